using KennWilliamson.AppHost.Postgres;

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
        new PostgresSettings(PostgresMode.Local, 0, "", Environment.GetEnvironmentVariable("Postgres__BinDirectory") is { Length: > 0 } b ? b : null, null)
            .FindBinDirectory()
        ?? throw new InvalidOperationException("No PostgreSQL server binaries (e.g. /usr/lib/postgresql/15/bin, or set Postgres__BinDirectory).");

    /// <summary>The major version the run is meant for (KENNWILLIAMSON_EXPECT_PG_MAJOR), when CI says one.</summary>
    public static int? ExpectedMajor =>
        int.TryParse(Environment.GetEnvironmentVariable("KENNWILLIAMSON_EXPECT_PG_MAJOR"), System.Globalization.CultureInfo.InvariantCulture, out var major) ? major : null;
}
