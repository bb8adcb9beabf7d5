using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Operations;

/// <summary>postgres/local/init.sh, the local mode's start-up step, run by hand against a stand-in server folder.</summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class LocalInitTests
{
    /// <summary>
    /// A server newer than the machine's pg_dump (a stand-in that says it is PostgreSQL 99, over a data
    /// directory of the same version, so init.sh takes its "existing cluster" path): the start-up log says
    /// that backups will refuse and what to install, and the start goes on.
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task A_server_newer_than_the_client_tools_gets_a_start_up_warning_that_says_what_to_install()
    {
        var root = TestPaths.NewTempDirectory("init");
        var bin = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
        var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        await File.WriteAllTextAsync(Path.Combine(data, "PG_VERSION"), "99\n");
        foreach (var tool in new[] { "postgres", "initdb" })
        {
            var path = Path.Combine(bin, tool);
            await File.WriteAllTextAsync(path, "#!/bin/sh\necho \"" + tool + " (PostgreSQL) 99.1\"\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var result = await ChildProcess.RunAsync("bash", [Path.Combine(TestPaths.RepositoryRoot, "postgres", "local", "init.sh")], TimeSpan.FromMinutes(1),
            new Dictionary<string, string> { ["PG_BIN"] = bin, ["PGDATA"] = data, ["PG_RUN_AS"] = "" }, TestPaths.RepositoryRoot, null);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches("postgres-init: warning: (pg_dump is PostgreSQL [0-9]+ but the server is PostgreSQL 99|no pg_dump found).*postgresql-client-99", result.Output);
        Assert.Contains("using the existing PostgreSQL 99 cluster", result.Output, StringComparison.Ordinal);
        Directory.Delete(root, recursive: true);
    }
}
