using System.Text.RegularExpressions;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Architecture;

/// <summary>
/// One language per path: the dashboard's database commands start the migration worker themselves (no
/// script, no bash, no connection string turned into a URL and back), and scripts/*.sh are thin wrappers
/// that hand one verb to the same worker, with no database or backup logic of their own.
/// </summary>
public sealed partial class OperatorPathTests
{
    private static readonly string Scripts = Path.Combine(TestPaths.RepositoryRoot, "scripts");

    [Fact]
    public void The_dashboard_commands_start_the_worker_and_no_shell_or_script()
    {
        var postgres = Path.Combine(TestPaths.RepositoryRoot, "KennWilliamson.AppHost", "Postgres");
        var commands = File.ReadAllText(Path.Combine(postgres, "DatabaseCommands.cs"));
        var runner = File.ReadAllText(Path.Combine(postgres, "MigrationWorkerVerb.cs"));

        Assert.Contains("MigrationWorkerVerb.RunAsync", commands, StringComparison.Ordinal);
        Assert.Contains("new ProcessStartInfo(\"dotnet\")", runner, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__kennwilliamson", runner, StringComparison.Ordinal); // the connection string as it is, no URL
        Assert.Contains("Environment.Remove(\"DATABASE_URL\")", runner, StringComparison.Ordinal); // and nothing that would win over it
        Assert.DoesNotMatch(ShellOrScript(), Code(commands));
        Assert.DoesNotMatch(ShellOrScript(), Code(runner));
    }

    /// <summary>The C# without its comments and descriptions' prose: what runs.</summary>
    private static string Code(string source) =>
        string.Join('\n', source.Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal) && !l.Contains("Description =", StringComparison.Ordinal)));

    [Fact]
    public void Every_script_hands_one_worker_verb_to_the_worker_and_runs_no_database_tool_itself()
    {
        var scripts = Directory.GetFiles(Scripts, "*.sh");
        Assert.True(scripts.Length >= 5, $"scripts found: {scripts.Length}");

        foreach (var script in scripts)
        {
            var text = File.ReadAllText(script);
            Assert.Matches(RunWorker(), text);
            Assert.True(text.Split('\n').Length <= 40, $"{Path.GetFileName(script)} is more than a thin wrapper");
        }
        foreach (var file in scripts.Append(Path.Combine(Scripts, "lib", "db.sh")))
        {
            var code = string.Join('\n', File.ReadAllLines(file).Where(l => !l.TrimStart().StartsWith('#')));
            Assert.DoesNotMatch(DatabaseTool(), code);
        }
    }

    [GeneratedRegex(@"""(ba)?sh""|scripts[/\\]|\.sh""|postgres(ql)?://")]
    private static partial Regex ShellOrScript();

    [GeneratedRegex(@"^run_worker (reset|backup|verify-backup|restore|rehearse|grant-admin|purge)\b", RegexOptions.Multiline)]
    private static partial Regex RunWorker();

    [GeneratedRegex(@"\b(psql|pg_dump|pg_restore|gpg|PG_RESTORE|PG_DUMP|PSQL)\b")]
    private static partial Regex DatabaseTool();
}
