using KennWilliamson.MigrationService;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>The worker's command line: each verb's word, its operand and flags, configuration overrides, --help, and what is refused with which message.</summary>
[Trait("Category", "Unit")]
public sealed class WorkerCommandTests
{
    [Theory]
    [InlineData("run", MigrationVerb.Run, false)]
    [InlineData("info", MigrationVerb.Info, false)]
    [InlineData("revert", MigrationVerb.Revert, false)]
    [InlineData("reset", MigrationVerb.Reset, true)]
    [InlineData("backup", MigrationVerb.Backup, true)]
    [InlineData("purge", MigrationVerb.Purge, true)]
    [InlineData("rehearse", MigrationVerb.Rehearse, true)]
    public void Each_verb_without_an_operand_is_read_by_its_word(string word, MigrationVerb verb, bool operatorVerb)
    {
        var command = WorkerCommand.Parse([word]);

        Assert.Equal((verb, operatorVerb, true, null), (command.Verb, command.IsOperatorVerb, command.NeedsDatabase, command.Target));
    }

    [Theory]
    [InlineData("grant-admin", "kenn@example.com", MigrationVerb.GrantAdmin, true)]
    [InlineData("restore", "/backups/a.dump.gpg", MigrationVerb.Restore, true)]
    [InlineData("verify-backup", "/backups/a.dump.gpg", MigrationVerb.VerifyBackup, false)]
    [InlineData("rehearse", "/backups/a.dump.gpg", MigrationVerb.Rehearse, true)]
    public void A_verb_with_an_operand_takes_it_before_or_after_its_flags(string word, string operand, MigrationVerb verb, bool needsDatabase)
    {
        var flag = verb is MigrationVerb.GrantAdmin ? "--Logging:LogLevel:Default=Warning" : "--allow-unencrypted";
        foreach (var args in new[] { new[] { word, operand, flag }, [word, flag, operand] })
        {
            var command = WorkerCommand.Parse(args);

            Assert.Equal((verb, operand, true, needsDatabase), (command.Verb, command.Target, command.IsOperatorVerb, command.NeedsDatabase));
        }
    }

    [Fact]
    public void No_arguments_is_run()
    {
        var command = WorkerCommand.Parse([]);

        Assert.Equal((MigrationVerb.Run, null, false, false, false), (command.Verb, command.Target, command.Seed, command.Yes, command.AllowUnencrypted));
        Assert.Empty(command.Overrides);
    }

    [Theory]
    [InlineData("20260101000000_init")]
    [InlineData("0")]
    public void Revert_to_names_the_migration(string migration)
    {
        var command = WorkerCommand.Parse(["revert", "--to", migration]);

        Assert.Equal((MigrationVerb.Revert, migration), (command.Verb, command.Target));
    }

    [Fact]
    public void Overrides_keep_both_spellings_and_take_no_operand_or_flag_with_them()
    {
        var command = WorkerCommand.Parse(["--Audit:RetentionDays", "30", "purge", "--Backups:Key=k", "--Logging:LogLevel:Default"]);

        Assert.Equal(MigrationVerb.Purge, command.Verb);
        Assert.Equal(["--Audit:RetentionDays", "30", "--Backups:Key=k", "--Logging:LogLevel:Default"], command.Overrides);
    }

    [Fact]
    public void An_override_with_its_value_in_the_same_argument_leaves_the_next_one_to_the_verb()
    {
        var command = WorkerCommand.Parse(["grant-admin", "--Key:Sub=1", "kenn@example.com"]);

        Assert.Equal("kenn@example.com", command.Target);
        Assert.Equal(["--Key:Sub=1"], command.Overrides);
    }

    [Theory]
    [InlineData(new[] { "grant-admin" }, "grant-admin needs the email of a registered user.")]
    [InlineData(new[] { "restore" }, "restore needs a backup file.")]
    [InlineData(new[] { "verify-backup" }, "verify-backup needs a backup file.")]
    [InlineData(new[] { "revert", "--to" }, "--to needs a migration name (or 0 for none).")]
    [InlineData(new[] { "run", "--to", "0" }, "--to goes with revert.")]
    [InlineData(new[] { "backup", "--seed" }, "--seed goes with run or reset: the other verbs do not change the data that way.")]
    [InlineData(new[] { "backup", "--allow-unencrypted" }, "--allow-unencrypted goes with verify-backup, restore or rehearse: the verbs that read a backup.")]
    [InlineData(new[] { "backup", "--yes" }, "--yes goes with restore or reset.")]
    public void A_missing_operand_or_a_flag_of_another_verb_is_refused_saying_which(string[] args, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => WorkerCommand.Parse(args)).Message);

    [Theory]
    [InlineData("run", "info")]
    [InlineData("reset", "backup")]
    [InlineData("run", "--verbose")]
    [InlineData("run", "--Key")]
    [InlineData("run", "Key:Sub=1")]
    [InlineData("backup", "/backups/a.dump.gpg")]
    public void A_second_verb_an_unknown_flag_or_a_stray_operand_names_itself_and_the_usage(string verb, string extra)
    {
        var message = Assert.Throws<ArgumentException>(() => WorkerCommand.Parse([verb, extra])).Message;

        Assert.StartsWith($"Unknown argument '{extra}'. Usage: [run|info|revert", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_and_reset_take_seed()
    {
        Assert.True(WorkerCommand.Parse(["run", "--seed"]).Seed);
        Assert.True(WorkerCommand.Parse(["--seed"]).Seed);
        Assert.True(WorkerCommand.Parse(["reset", "--seed", "--yes"]).Seed);
    }

    [Theory]
    [InlineData(new[] { "--help" }, "Commands:", "DATABASE_URL")]
    [InlineData(new[] { "reset", "--help" }, "--yes", "--seed")]
    [InlineData(new[] { "restore", "-h" }, "<FILE>", "--allow-unencrypted")]
    [InlineData(new[] { "revert", "--help", "--Logging:LogLevel:Default=Warning" }, "--to <NAME|0>", "Revert")]
    public void Help_is_generated_per_verb_and_runs_no_verb(string[] args, string shows, string andShows)
    {
        using var help = new StringWriter();

        Assert.Null(WorkerCommand.Parse(args, help));
        Assert.Contains(shows, help.ToString(), StringComparison.Ordinal);
        Assert.Contains(andShows, help.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_verbs_help_lists_only_its_own_flags()
    {
        using var help = new StringWriter();

        WorkerCommand.Parse(["backup", "--help"], help);

        Assert.DoesNotContain("--seed", help.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("--yes", help.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kenn@example.com", "grant-admin")]
    [InlineData("@response-file", "backup")]
    public void An_operand_before_any_verb_is_refused_and_never_read_as_a_response_file(string operand, string verb)
    {
        var message = Assert.Throws<ArgumentException>(() => WorkerCommand.Parse([operand, verb])).Message;

        Assert.StartsWith($"Unknown argument '{operand}'.", message, StringComparison.Ordinal);
    }

    private static string Help(params string[] args)
    {
        using var help = new StringWriter();
        Assert.Null(WorkerCommand.Parse(args, help));
        return help.ToString();
    }

    /// <summary>Every verb, flag and operand the help lists says what it is for: an entry's line is its name and then words.</summary>
    [Fact]
    public void Every_entry_of_every_help_says_what_it_is_for()
    {
        string[] verbs = ["run", "info", "revert", "reset", "backup", "verify-backup", "restore", "rehearse", "grant-admin", "purge"];
        var root = Help("--help");
        Assert.Contains("migration worker", root, StringComparison.Ordinal);
        Assert.Contains("Backups__Key", root, StringComparison.Ordinal);
        Assert.Contains("--Section:Key=value", root, StringComparison.Ordinal);
        Assert.All(verbs, verb => Assert.Matches($@"(?m)^  {verb}( <[A-Z]+>)? {{2,}}[A-Z]\w+ ", root));

        foreach (var verb in verbs)
        {
            var help = Help(verb, "--help");
            var entries = help.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^  (--(seed|yes|allow-unencrypted|to)\b|<(FILE|EMAIL)>)")).ToList();
            Assert.All(entries, line => Assert.Matches(@"^  \S+( <[^>]+>)? {2,}[A-Z0-9]\w* ", line));
        }
        Assert.Equal(2, Help("restore", "--help").Split('\n').Count(l => l.StartsWith("  --yes", StringComparison.Ordinal) || l.StartsWith("  <FILE>", StringComparison.Ordinal)));
    }

    [Fact]
    public void Help_alone_is_no_command()
    {
        var message = Assert.Throws<ArgumentException>(() => WorkerCommand.Parse(["--help"])).Message;
        Assert.Equal("--help shows the usage and runs no verb.", message);
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("[diagram]")]
    [InlineData("[suggest]")]
    public void The_parsers_own_version_option_and_directives_are_no_arguments_here(string arg)
    {
        var message = Assert.Throws<ArgumentException>(() => WorkerCommand.Parse([arg, "info"])).Message;
        Assert.Contains(arg, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_alone_is_refused_rather_than_read_as_run() =>
        Assert.StartsWith("Unknown argument '--version'.", Assert.Throws<ArgumentException>(() => WorkerCommand.Parse(["--version"])).Message, StringComparison.Ordinal);

    [Fact]
    public void What_the_parser_itself_refuses_is_said_with_the_usage()
    {
        var message = Assert.Throws<ArgumentException>(() => WorkerCommand.Parse(["revert", "--to", "a", "--to", "b"])).Message;
        Assert.StartsWith("Option '--to' expects a single argument but 2 were provided. Usage: [run|info|revert", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_word_after_the_verb_is_its_operand_even_when_it_is_a_verbs_name()
    {
        var restore = WorkerCommand.Parse(["--yes", "restore", "backup"]);
        Assert.Equal((MigrationVerb.Restore, "backup", true), (restore.Verb, restore.Target, restore.Yes));

        var revert = WorkerCommand.Parse(["--to", "run", "revert"]);
        Assert.Equal((MigrationVerb.Revert, "run"), (revert.Verb, revert.Target));
    }
}
