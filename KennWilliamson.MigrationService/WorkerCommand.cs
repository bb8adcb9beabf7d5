using System.CommandLine;
using System.CommandLine.Parsing;
using System.CommandLine.Help;

namespace KennWilliamson.MigrationService;

public enum MigrationVerb
{
    Run,
    Info,
    Revert,
    GrantAdmin,
    Rehearse,
    Reset,
    Backup,
    VerifyBackup,
    Restore,
    Purge,
}

/// <summary>
/// The worker's command line, one System.CommandLine subcommand per verb (each with its own <c>--help</c>);
/// no verb is <c>run</c>. Arguments <c>--Key:Sub=value</c> or <c>--Key:Sub value</c> are configuration
/// overrides for the host, taken out before the verbs are read.
/// </summary>
public sealed record WorkerCommand(MigrationVerb Verb, string? Target, bool Seed, bool Yes = false)
{
    /// <summary>The configuration overrides only, so a verb's operand (a path, an email) never becomes a setting.</summary>
    public IReadOnlyList<string> Overrides { get; private init; } = [];

    public bool AllowUnencrypted { get; private init; }

    /// <summary>Verbs a person or a dashboard command runs: a report on standard output, one try at the database.</summary>
    public bool IsOperatorVerb => Verb is not (MigrationVerb.Run or MigrationVerb.Info or MigrationVerb.Revert);

    public bool NeedsDatabase => Verb != MigrationVerb.VerifyBackup;

    internal const string Usage =
        "Usage: [run|info|revert [--to NAME|0]|reset [--seed] [--yes]|backup|verify-backup FILE|restore FILE [--yes]|rehearse [FILE]|grant-admin EMAIL|purge] [--seed] [--allow-unencrypted] (--help for more)";

    private const string DatabaseHelp =
        "The database, for every verb: ConnectionStrings__kennwilliamson, else DATABASE_URL (postgresql://user:password@host:port/database).";

    /// <summary>Refusals of a flag given to a verb that does not take it, in the order they are reported.</summary>
    private static readonly (string Flag, string Message)[] ForeignFlags =
    [
        ("--to", "--to goes with revert."),
        ("--seed", "--seed goes with run or reset: the other verbs do not change the data that way."),
        ("--allow-unencrypted", "--allow-unencrypted goes with verify-backup, restore or rehearse: the verbs that read a backup."),
        ("--yes", "--yes goes with restore or reset."),
    ];

    private static readonly Option<bool> SeedOption = Flag("--seed", "Also add the development user kenn@example.com and a timer (Development environment only).");
    private static readonly Option<bool> YesOption = Flag("--yes", "Skip the question (type the database's name) that guards the data.");
    private static readonly Option<bool> AllowUnencryptedOption = Flag("--allow-unencrypted", "Read a plain pg_dump archive (reported UNENCRYPTED) instead of refusing it.");
    private static readonly Option<string> ToOption = new("--to") { Description = "The migration to go back to; 0 reverts them all. Without it: the last one.", HelpName = "NAME|0" };

    private static readonly Argument<string> RestoreFile = Operand("FILE", "The backup to restore (made by the backup verb).");
    private static readonly Argument<string> VerifyFile = Operand("FILE", "The backup to check.");
    private static readonly Argument<string> RehearseFile = Operand("FILE", "The backup to rehearse on; else the newest of this environment in Backups:Directory.", optional: true);
    private static readonly Argument<string> Email = Operand("EMAIL", "The email of a registered user.");

    private static readonly (MigrationVerb Verb, Command Command, Argument<string>? Operand, string? Missing)[] Verbs =
    [
        (MigrationVerb.Run, new("run", "Apply the pending migrations and the API role's privileges (the default).") { SeedOption }, null, null),
        (MigrationVerb.Info, new("info", "List the migrations, applied and pending."), null, null),
        (MigrationVerb.Revert, new("revert", "Revert the last migration, or back to --to.") { ToOption }, null, null),
        (MigrationVerb.Reset, new("reset", "Drop all data, reapply every migration and verify the result.") { SeedOption, YesOption }, null, null),
        (MigrationVerb.Backup, new("backup", "Write an encrypted, verified backup to Backups:Directory (key Backups:Key); remove old ones."), null, null),
        (MigrationVerb.VerifyBackup, new("verify-backup", "Check a backup file (decrypt, list, read every block); needs no database.") { VerifyFile, AllowUnencryptedOption },
            VerifyFile, "verify-backup needs a backup file."),
        (MigrationVerb.Restore, new("restore", "Restore a backup over the database in one transaction, after the question.") { RestoreFile, YesOption, AllowUnencryptedOption },
            RestoreFile, "restore needs a backup file."),
        (MigrationVerb.Rehearse, new("rehearse", "Apply the pending migrations to a scratch copy restored from a backup, then drop it.") { RehearseFile, AllowUnencryptedOption },
            null, null),
        (MigrationVerb.GrantAdmin, new("grant-admin", "Make a registered user an admin (audited).") { Email }, Email, "grant-admin needs the email of a registered user."),
        (MigrationVerb.Purge, new("purge", "Delete the audit events older than Audit:RetentionDays (400)."), null, null),
    ];

    private static readonly RootCommand Root = BuildRoot();

    private static readonly ParserConfiguration Configuration = new() { ResponseFileTokenReplacer = null };

    /// <summary>The command, or an <see cref="ArgumentException"/> saying what is wrong; <c>--help</c> runs no verb.</summary>
    public static WorkerCommand Parse(IReadOnlyList<string> args) =>
        Parse(args, TextWriter.Null) ?? throw new ArgumentException("--help shows the usage and runs no verb.");

    /// <summary>As <see cref="Parse(IReadOnlyList{string})"/>, but <c>--help</c> writes the verb's help to <paramref name="help"/> and returns null.</summary>
    public static WorkerCommand? Parse(IReadOnlyList<string> args, TextWriter help)
    {
        var (overrides, rest) = SplitOverrides(args);
        var result = Root.Parse(VerbFirst(rest), Configuration);
        if (result.Action is HelpAction)
        {
            result.Invoke(new InvocationConfiguration { Output = help });
            return null;
        }

        // The parser takes a leading "[word]" for a directive, known or not, and would drop it silently.
        if (result.Tokens.FirstOrDefault(t => t.Type == TokenType.Directive) is { } directive)
        {
            throw new ArgumentException($"Unknown argument '{directive.Value}'. {Usage}");
        }
        var (verb, _, operand, missing) = Array.Find(Verbs, v => v.Command == result.CommandResult.Command);
        var unmatched = result.UnmatchedTokens;
        for (var i = 0; i < unmatched.Count; i++)
        {
            if (unmatched[i] == "--to")
            {
                i++; // its value is refused with it
            }
            else if (!Array.Exists(ForeignFlags, f => f.Flag == unmatched[i]))
            {
                throw new ArgumentException($"Unknown argument '{unmatched[i]}'. {Usage}");
            }
        }
        if (operand is not null && result.GetResult(operand) is not { Tokens.Count: > 0 })
        {
            throw new ArgumentException(missing);
        }
        if (result.GetResult(ToOption) is { Tokens.Count: 0 })
        {
            throw new ArgumentException("--to needs a migration name (or 0 for none).");
        }
        if (ForeignFlags.FirstOrDefault(f => unmatched.Contains(f.Flag)).Message is { } refusal)
        {
            throw new ArgumentException(refusal);
        }
        if (result.Errors.Count > 0)
        {
            throw new ArgumentException($"{result.Errors[0].Message} {Usage}");
        }

        var target = operand is not null ? result.GetValue(operand) : result.GetValue(RehearseFile) ?? result.GetValue(ToOption);
        return new WorkerCommand(verb, target, result.GetValue(SeedOption), result.GetValue(YesOption))
        {
            Overrides = overrides,
            AllowUnencrypted = result.GetValue(AllowUnencryptedOption),
        };
    }

    private static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "The KennWilliamson migration worker: applies the migrations (run, the default) and runs the operator's verbs. "
            + "Settings come from configuration: environment variables such as ConnectionStrings__kennwilliamson and Backups__Key, "
            + "or overrides --Section:Key=value. " + DatabaseHelp)
        {
            SeedOption,
        };
        root.Options.Remove(root.Options.OfType<VersionOption>().Single());
        root.SetAction(_ => { }); // no verb is run: a root without an action would ask for one
        foreach (var (_, command, _, _) in Verbs)
        {
            root.Add(command);
        }
        return root;
    }

    /// <summary>The verb word moves before the flags that precede it, so that its own options read them.</summary>
    private static List<string> VerbFirst(List<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (Array.Exists(Verbs, v => v.Command.Name == args[i]))
            {
                var verb = args[i];
                args.RemoveAt(i);
                args.Insert(0, verb);
                break;
            }
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                break; // an operand before any verb: left where it is, to be refused
            }
            if (args[i] == "--to")
            {
                i++;
            }
        }
        return args;
    }

    private static (List<string> Overrides, List<string> Others) SplitOverrides(IReadOnlyList<string> args)
    {
        var overrides = new List<string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains(':', StringComparison.Ordinal))
            {
                overrides.Add(arg);
                if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Count)
                {
                    overrides.Add(args[++i]); // "--Key value": the value belongs to the configuration
                }
            }
            else
            {
                rest.Add(arg);
            }
        }
        return (overrides, rest);
    }

    private static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    private static Argument<string> Operand(string name, string description, bool optional = false) =>
        new(name) { Description = description, Arity = optional ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne };
}
