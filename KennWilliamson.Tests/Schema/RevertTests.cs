using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Schema;

/// <summary>The worker's <c>revert</c> verb: what a reverted migration leaves behind, and running forward again.</summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(46)]
public sealed class RevertTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Revert_removes_the_last_migration_and_what_it_made_and_run_reapplies_it()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "schema_verbs");
        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("run"));

        // The last migration dropped the shared limits' table and function (they moved to Redis); the one before made
        // them; the one before that narrowed a function; the one before that replaced an index; the one before that made
        // a function and a schema; the one before that a table.
        const string SlowQueriesSource = "SELECT prosrc FROM pg_proc WHERE proname = 'slow_queries'";
        const string Counters = "SELECT to_regclass('public.rate_limit_counters')::text";
        const string Take = "SELECT to_regproc('public.rate_limit_take')::text";
        await using (var connection = await scratch.OpenAsync())
        {
            Assert.Null(await connection.ScalarAsync<string?>(Counters));
            Assert.Contains("select|insert|update|delete", await connection.ScalarAsync<string>(SlowQueriesSource), StringComparison.Ordinal);
        }
        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("revert"));
        await using (var connection = await scratch.OpenAsync())
        {
            Assert.Equal(MigrationVerbTests.Migrations[..^1], await MigrationHistory.HistoryAsync(connection));
            Assert.NotNull(await connection.ScalarAsync<string?>(Counters));
            Assert.NotNull(await connection.ScalarAsync<string?>(Take));
        }

        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("revert"));
        await using (var connection = await scratch.OpenAsync())
        {
            Assert.Equal(MigrationVerbTests.Migrations[..^2], await MigrationHistory.HistoryAsync(connection));
            Assert.Null(await connection.ScalarAsync<string?>(Counters));
            Assert.Null(await connection.ScalarAsync<string?>(Take));
            Assert.Contains("select|insert|update|delete", await connection.ScalarAsync<string>(SlowQueriesSource), StringComparison.Ordinal);
        }

        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("revert"));
        await using (var connection = await scratch.OpenAsync())
        {
            Assert.Equal(MigrationVerbTests.Migrations[..^3], await MigrationHistory.HistoryAsync(connection));
            Assert.DoesNotContain("select|insert|update|delete", await connection.ScalarAsync<string>(SlowQueriesSource), StringComparison.Ordinal);
        }

        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("revert"));
        await using (var connection = await scratch.OpenAsync())
        {
            Assert.Equal(MigrationVerbTests.Migrations[..^4], await MigrationHistory.HistoryAsync(connection));
            Assert.Null(await connection.ScalarAsync<string?>("SELECT to_regclass('public.idx_incident_timers_user_reset_id')::text"));
            Assert.NotNull(await connection.ScalarAsync<string?>("SELECT to_regclass('public.idx_incident_timers_user_reset')::text"));
        }

        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("revert"));
        await using (var connection = await scratch.OpenAsync())
        {
            Assert.Equal(MigrationVerbTests.Migrations[..^5], await MigrationHistory.HistoryAsync(connection));
            Assert.Null(await connection.ScalarAsync<string?>("SELECT to_regprocedure('public.slow_queries(integer)')::text"));
            Assert.Null(await connection.ScalarAsync<string?>("SELECT to_regnamespace('monitoring')::text"));
            Assert.NotNull(await connection.ScalarAsync<string?>("SELECT to_regclass('public.audit_events')::text"));
        }

        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("revert"));
        await using (var connection = await scratch.OpenAsync())
        {
            Assert.Equal(MigrationVerbTests.Migrations[..^6], await MigrationHistory.HistoryAsync(connection));
            Assert.Null(await connection.ScalarAsync<string?>("SELECT to_regclass('public.audit_events')::text"));
            Assert.NotNull(await connection.ScalarAsync<string?>("SELECT to_regclass('public.refresh_tokens')::text"));
        }
        var info = await scratch.RunWorkerAsync("info");
        MigrationHistory.AssertSucceeded(info);
        foreach (var pending in MigrationVerbTests.Migrations[^6..])
        {
            Assert.Contains($"{pending[..14]}/pending {pending[15..]}", info.Output, StringComparison.Ordinal);
        }
        Assert.Contains("20250829095731/installed create_incident_timers_table", info.Output, StringComparison.Ordinal);

        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("run"));

        await using (var connection = await scratch.OpenAsync())
        {
            Assert.Equal(MigrationVerbTests.Migrations, await MigrationHistory.HistoryAsync(connection));
            Assert.NotNull(await connection.ScalarAsync<string?>("SELECT to_regclass('public.audit_events')::text"));
            Assert.NotNull(await connection.ScalarAsync<string?>("SELECT to_regprocedure('public.slow_queries(integer)')::text"));
            Assert.NotNull(await connection.ScalarAsync<string?>("SELECT to_regclass('public.idx_incident_timers_user_reset_id')::text"));
            Assert.Null(await connection.ScalarAsync<string?>("SELECT to_regclass('public.rate_limit_counters')::text"));
        }
    }

    [Fact]
    public async Task Revert_to_a_named_migration_removes_the_later_ones_with_their_tables_and_triggers()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "schema_verbs");
        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("run"));

        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("revert", "--to", "20250829095648_add_user_slug_to_users"));

        await using var connection = await scratch.OpenAsync();
        Assert.Equal(MigrationVerbTests.OriginalMigrations[..3], await MigrationHistory.HistoryAsync(connection));
        Assert.Null(await connection.ScalarAsync<string?>("SELECT to_regclass('public.incident_timers')::text"));
        Assert.NotNull(await connection.ScalarAsync<string?>("SELECT to_regclass('public.users')::text"));
        Assert.Equal(0L, await connection.ScalarAsync<long>(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'update_incident_timers_updated_at'"));
    }

    [Fact]
    public async Task Revert_to_zero_leaves_no_project_table_function_or_uuid_function_behind()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "schema_verbs");
        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("run"));

        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("revert", "--to", "0"));

        await using (var connection = await scratch.OpenAsync())
        {
            Assert.Empty(await MigrationHistory.HistoryAsync(connection));
            foreach (var table in MigrationVerbTests.ProjectTables)
            {
                Assert.Null(await connection.ScalarAsync<string?>("SELECT to_regclass($1)::text", "public." + table));
            }
            // Nothing of the project's in public but the history table and its key's index.
            Assert.Empty(await connection.ColumnAsync<string>("""
                SELECT c.relname::text FROM pg_class c
                WHERE c.relnamespace = 'public'::regnamespace
                  AND c.relname <> '__EFMigrationsHistory'
                  AND c.oid NOT IN (SELECT indexrelid FROM pg_index WHERE indrelid = to_regclass('public."__EFMigrationsHistory"'))
                """));
            // No update_updated_at_column, no uuid_* function, no extension.
            Assert.Empty(await connection.ColumnAsync<string>(
                "SELECT p.proname::text FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace"));
            Assert.Equal(0L, await connection.ScalarAsync<long>(
                "SELECT count(*) FROM pg_proc WHERE proname = 'update_updated_at_column' OR proname LIKE 'uuid\\_%v7%'"));
            Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM pg_extension WHERE extname = 'pg_uuidv7'"));
        }

        // And the empty database takes the migrations again from the start.
        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("run"));
        await using var again = await scratch.OpenAsync();
        Assert.Equal(MigrationVerbTests.Migrations, await MigrationHistory.HistoryAsync(again));
    }
}
