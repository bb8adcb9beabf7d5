using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// Migrations rehearsed on a copy (scripts/rehearse-migrations.sh, the worker's <c>rehearse</c> verb): the
/// "production" database here is four migrations behind this build, as it is before a deployment.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(57)]
public sealed class RehearsalScriptTests(ApiFixture fixture) : IClassFixture<ApiFixture>, IDisposable
{
    private readonly string _backups = TestPaths.NewTempDirectory("backups");

    private const string BehindBy4 = "20261129001500_create_slow_queries_function";
    private const string KeysetIndex = "20261202143000_add_timer_keyset_index";
    private const string SlowQueries = "20261202150000_slow_queries_without_utility_statements";
    private const string SharedLimits = "20261205000000_create_rate_limit_counters";
    private const string LimitsToRedis = "20261206000000_drop_rate_limit_counters";

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task A_rehearsal_applies_the_pending_migrations_to_a_copy_reports_a_failing_one_and_leaves_the_real_database_unchanged()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_rehearse");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        Assert.Equal(0, (await scratch.RunWorkerAsync("revert", "--to", BehindBy4)).ExitCode);
        await using var connection = await scratch.OpenAsync();
        await connection.ExecuteAsync("INSERT INTO incident_timers (user_id, notes) SELECT id, 'rehearsed' FROM users");
        var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);
        Assert.Equal(0, (await Scripts.RunAsync("backup-db.sh", environment, null)).ExitCode);
        var before = await StateAsync(connection);

        var good = await Scripts.RunAsync("rehearse-migrations.sh", environment, null);

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Matches($@"  {KeysetIndex}  ok in \d+\.\d\d s\n  {SlowQueries}  ok in \d+\.\d\d s\n  {SharedLimits}  ok in \d+\.\d\d s\n  {LimitsToRedis}  ok in \d+\.\d\d s\n", good.Output);
        Assert.Contains("Rehearsal done: 4 pending migration(s) applied to the copy", good.Output, StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync(connection));
        Assert.Empty(await ScratchCopiesAsync(connection));

        // Drift: somebody made an index by hand in production with the name a pending migration uses. The
        // rehearsal meets it on the copy of a new backup, says which migration fails and why, changes nothing.
        await connection.ExecuteAsync("CREATE INDEX idx_incident_timers_user_reset_id ON incident_timers (user_id)");
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // backups are named by the second
        Assert.Equal(0, (await Scripts.RunAsync("backup-db.sh", environment, null)).ExitCode);
        var drifted = await StateAsync(connection);

        var bad = await Scripts.RunAsync("rehearse-migrations.sh", environment, null);

        Assert.NotEqual(0, bad.ExitCode);
        Assert.Matches($"  {KeysetIndex}  FAILED after [0-9.]+ s: 42P07: relation \"idx_incident_timers_user_reset_id\" already exists", bad.Output);
        Assert.Contains($"  {SlowQueries}  not run", bad.Output, StringComparison.Ordinal);
        Assert.Contains($"  {SharedLimits}  not run", bad.Output, StringComparison.Ordinal);
        Assert.Contains($"  {LimitsToRedis}  not run", bad.Output, StringComparison.Ordinal);
        Assert.StartsWith($"rehearse-migrations.sh: Rehearsal failed: migration {KeysetIndex} failed on the copy", bad.Error, StringComparison.Ordinal);
        Assert.Equal(drifted, await StateAsync(connection));
        Assert.Empty(await ScratchCopiesAsync(connection));

        // The older backup (before the drift), named explicitly, still rehearses cleanly.
        var first = Directory.GetFiles(_backups).Order(StringComparer.Ordinal).First();
        var named = await Scripts.RunAsync("rehearse-migrations.sh", environment, null, first);
        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.Contains(Path.GetFileName(first), named.Output, StringComparison.Ordinal);
    }

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task A_rehearsal_takes_the_newest_backup_of_its_own_environment_even_when_another_environments_is_newer()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_rehearse_env");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run")).ExitCode);
        var development = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);
        var staging = new Dictionary<string, string>(development) { ["KENNWILLIAMSON_ENV"] = "staging" };
        Assert.Equal(0, (await Scripts.RunAsync("backup-db.sh", development, null)).ExitCode);
        var own = Assert.Single(Directory.GetFiles(_backups));
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // backups are named by the second: staging's is the newest
        Assert.Equal(0, (await Scripts.RunAsync("backup-db.sh", staging, null)).ExitCode);
        var other = Assert.Single(Directory.GetFiles(_backups), f => f != own);
        Assert.StartsWith("kennwilliamson_staging_", Path.GetFileName(other), StringComparison.Ordinal);

        var forDevelopment = await Scripts.RunAsync("rehearse-migrations.sh", development, null);
        var forStaging = await Scripts.RunAsync("rehearse-migrations.sh", staging, null);

        Assert.True(forDevelopment.ExitCode == 0, forDevelopment.ToString());
        Assert.Contains($"on a copy of {own} ", forDevelopment.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetFileName(other), forDevelopment.Output, StringComparison.Ordinal);
        Assert.True(forStaging.ExitCode == 0, forStaging.ToString());
        Assert.Contains($"on a copy of {other} ", forStaging.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rehearsal_without_a_backup_says_to_make_one_and_leaves_no_scratch_database()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_nobackup");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run")).ExitCode);

        var result = await Scripts.RunAsync("rehearse-migrations.sh", Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString), null);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("No backup to rehearse on in", result.Error, StringComparison.Ordinal);
        Assert.Contains("Make one first", result.Error, StringComparison.Ordinal);
        await using var connection = await scratch.OpenAsync();
        Assert.Empty(await ScratchCopiesAsync(connection));
    }

    /// <summary>Rows (per table), the applied migrations, and the schema's relations and functions.</summary>
    private static async Task<string> StateAsync(NpgsqlConnection connection)
    {
        var rows = string.Join('\n', (await Scripts.FingerprintAsync(connection)).Select(p => $"{p.Key}: {p.Value}"));
        var history = string.Join(',', await connection.ColumnAsync<string>("SELECT migration_id::text FROM \"__EFMigrationsHistory\" ORDER BY 1"));
        var relations = string.Join(',', await connection.ColumnAsync<string>(
            "SELECT relname || ':' || relkind::text FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY 1"));
        var functions = string.Join(',', await connection.ColumnAsync<string>(
            "SELECT p.oid::regprocedure::text || md5(p.prosrc) FROM pg_proc p WHERE p.pronamespace IN ('public'::regnamespace, 'monitoring'::regnamespace) ORDER BY 1"));
        return $"{rows}\n{history}\n{relations}\n{functions}";
    }

    internal static Task<List<string>> ScratchCopiesAsync(NpgsqlConnection connection) =>
        connection.ColumnAsync<string>("SELECT datname::text FROM pg_database WHERE datname LIKE '%\\_rehearsal\\_%'");

    public void Dispose() => Directory.Delete(_backups, recursive: true);
}
