using System.Globalization;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>Runs scripts/*.sh as processes, the way people run them: DATABASE_URL and a few variables.</summary>
internal static partial class Scripts
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>A connection string as the <c>postgresql://</c> URI the scripts take (DATABASE_URL), every part percent-encoded.</summary>
    public static string DatabaseUrl(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var host = b.Host is { } h && h.Contains(':', StringComparison.Ordinal) ? $"[{h}]" : b.Host;
        return string.Create(CultureInfo.InvariantCulture,
            $"postgresql://{Uri.EscapeDataString(b.Username ?? "postgres")}:{Uri.EscapeDataString(b.Password ?? "")}@{host}:{b.Port}/{Uri.EscapeDataString(b.Database ?? "postgres")}");
    }

    /// <summary>
    /// The worker of this build, and the fixture's app-role password (the role is cluster-wide: the
    /// worker sets its password again, and the shared database's API keeps working). The shell of a
    /// developer working on a development database: DOTNET_ENVIRONMENT=Development, which --seed needs.
    /// </summary>
    public static Dictionary<string, string> Environment(ITestApp fixture, string connectionString) => new()
    {
        ["DATABASE_URL"] = DatabaseUrl(connectionString),
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["AppDatabase__Password"] = fixture.AppDbPassword,
        ["BACKUP_KEY"] = fixture.BackupKey,
        ["KENNWILLIAMSON_WORKER"] = TestPaths.ProjectDll("KennWilliamson.MigrationService"),
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
    };

    public static Task<ProcessResult> RunAsync(string script, IReadOnlyDictionary<string, string> environment, string? stdin, params string[] args) =>
        ChildProcess.RunAsync("bash", [Path.Combine(TestPaths.RepositoryRoot, "scripts", script), .. args], Timeout,
            environment, TestPaths.RepositoryRoot, stdin);

    /// <summary>As <see cref="RunAsync"/> from a shell that never set <paramref name="unset"/> (removed by env -u, not merely empty).</summary>
    public static Task<ProcessResult> RunUnsetAsync(string script, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> unset, params string[] args) =>
        ChildProcess.RunAsync("env", [.. unset.SelectMany(v => new[] { "-u", v }), "bash", Path.Combine(TestPaths.RepositoryRoot, "scripts", script), .. args],
            Timeout, environment, TestPaths.RepositoryRoot, null);

    /// <summary>
    /// <paramref name="program"/> run as a shell runs <c>program &lt;&amp;-</c>: standard input closed, not
    /// empty. The time limit is short: a question waiting on it is the failure this looks for.
    /// </summary>
    public static Task<ProcessResult> RunWithInputClosedAsync(string program, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment) =>
        ChildProcess.RunAsync("bash", ["-c", "exec \"$0\" \"$@\" <&-", program, .. args], TimeSpan.FromSeconds(60), environment, TestPaths.RepositoryRoot, null);

    public static string ScriptPath(string script) => Path.Combine(TestPaths.RepositoryRoot, "scripts", script);

    /// <summary>A loopback port nothing listens on.</summary>
    public static int ClosedPort() => LoopbackPort.Free();

    /// <summary>
    /// Per table: row count and an md5 over its rows ordered by id (the history by migration id).
    /// </summary>
    public static async Task<SortedDictionary<string, string>> FingerprintAsync(NpgsqlConnection connection)
    {
        var tables = await connection.ColumnAsync<string>(
            "SELECT relname::text FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY 1");
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            var order = table == "__EFMigrationsHistory" ? "migration_id" : table == "_sqlx_migrations" ? "version" : "id";
            var rows = await connection.RowsAsync(
                $"""SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.{order}), '')) FROM "{table}" t""");
            result[table] = $"{rows[0][0]} rows, md5 {rows[0][1]}";
        }
        return result;
    }

    /// <summary>The scripts' environment with backups in <paramref name="folder"/>, named for the development environment.</summary>
    public static Dictionary<string, string> BackupEnvironment(ITestApp fixture, string folder, string connectionString)
    {
        var environment = Environment(fixture, connectionString);
        environment["BACKUP_DIR"] = folder;
        environment["KENNWILLIAMSON_ENV"] = "development";
        return environment;
    }

    /// <summary>A backup's file name as the backup verb writes it for the development environment.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^kennwilliamson_development_\d{8}_\d{6}\.dump\.gpg$")]
    public static partial System.Text.RegularExpressions.Regex BackupName();
}
