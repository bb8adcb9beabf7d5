using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// What scripts/*.sh do, watched from outside: each hands exactly one verb to the migration worker (a stand-in
/// <c>dotnet</c> records what it is given) and runs no database or backup tool itself (stand-ins for those
/// record any call), so the terminal and the dashboard run the same C#.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class OperatorScriptTests : IDisposable
{
    private static readonly string[] Tools = ["psql", "pg_dump", "pg_restore", "pg_ctl", "gpg"];
    private readonly string _root = TestPaths.NewTempDirectory("operator-scripts");

    /// <summary>Every script with a typical command line, and the worker arguments it must become.</summary>
    public static TheoryData<string, string[], string[]> Cases => new()
    {
        { "reset-db.sh", ["--yes"], ["reset", "--yes"] },
        { "reset-db.sh", ["--seed", "--yes"], ["reset", "--seed", "--yes"] },
        { "backup-db.sh", [], ["backup"] },
        { "backup-db.sh", ["--verify", "/backups/a.dump.gpg"], ["verify-backup", "/backups/a.dump.gpg"] },
        { "restore-db.sh", ["/backups/a.dump.gpg", "--yes"], ["restore", "/backups/a.dump.gpg", "--yes"] },
        { "restore-db.sh", ["/backups/a.dump", "--yes", "--allow-unencrypted"], ["restore", "/backups/a.dump", "--yes", "--allow-unencrypted"] },
        { "rehearse-migrations.sh", [], ["rehearse"] },
        { "grant-admin.sh", ["someone@example.com"], ["grant-admin", "someone@example.com"] },
        { "purge-audit.sh", [], ["purge"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_script_hands_one_verb_to_the_worker_and_runs_no_tool_of_its_own(string script, string[] args, string[] worker)
    {
        var (result, calls) = await RunAsync(script, args);

        Assert.True(result.ExitCode == 0, result.ToString());
        var call = Assert.Single(calls);
        Assert.Equal(["dotnet", WorkerDll, .. worker], call);
    }

    [Fact]
    public void Every_script_has_a_case()
    {
        var covered = Cases.Select(c => (string)c[0]).ToHashSet(StringComparer.Ordinal);
        var scripts = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "scripts"), "*.sh").Select(Path.GetFileName).OfType<string>();
        Assert.All(scripts, s => Assert.Contains(s, covered));
    }

    private string WorkerDll => Path.Combine(_root, "KennWilliamson.MigrationService.dll");

    /// <summary>Runs a script with stand-ins first on PATH; returns each recorded call as its arguments.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private async Task<(ProcessResult Result, List<string[]> Calls)> RunAsync(string script, string[] args)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_root, "bin")).FullName;
        var log = Path.Combine(_root, "calls.log");
        File.Delete(log);
        await File.WriteAllTextAsync(WorkerDll, "");
        foreach (var tool in Tools.Append("dotnet"))
        {
            // One line per call: the program's name and its arguments, separated by a unit separator.
            var path = Path.Combine(bin, tool);
            await File.WriteAllTextAsync(path, $"#!/bin/sh\n(printf '%s' '{tool}'; for a in \"$@\"; do printf '\\037%s' \"$a\"; done; echo) >> '{log}'\n"
                + (tool == "dotnet" ? "echo 'done'\n" : "exit 3\n"));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var result = await Scripts.RunAsync(script, new Dictionary<string, string>
        {
            ["PATH"] = $"{bin}:/usr/bin:/bin",
            ["DATABASE_URL"] = "postgresql://someone:secret@127.0.0.1:1/kennwilliamson",
            ["KENNWILLIAMSON_WORKER"] = WorkerDll,
            ["BACKUP_KEY"] = "a backup key",
            ["BACKUP_DIR"] = Path.Combine(_root, "backups"),
        }, null, args);
        var calls = File.Exists(log) ? (await File.ReadAllLinesAsync(log)).Select(l => l.Split('\u001f')).ToList() : [];
        return (result, calls);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
