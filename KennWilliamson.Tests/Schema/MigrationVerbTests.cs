using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Schema;

/// <summary>The worker's verbs (<c>run</c>, <c>info</c>, <c>revert</c>), each against a scratch database of its own.</summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(24)]
public sealed class MigrationVerbTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    /// <summary>The original backend's four migrations, first and in this order.</summary>
    public static readonly string[] OriginalMigrations =
    [
        "20250829024919_create_users_table",
        "20250829025210_create_roles_table",
        "20250829095648_add_user_slug_to_users",
        "20250829095731_create_incident_timers_table",
    ];

    /// <summary>Every migration: the original four, then what this project adds, each with the table it creates.</summary>
    public static readonly string[] Migrations =
    [
        .. OriginalMigrations,
        "20261128235324_create_refresh_tokens_table",
        "20261129000806_create_audit_events_table",
        "20261129001500_create_slow_queries_function",
        "20261202143000_add_timer_keyset_index",
        "20261202150000_slow_queries_without_utility_statements",
        "20261205000000_create_rate_limit_counters",
        "20261206000000_drop_rate_limit_counters",
    ];

    /// <summary>The tables the later migrations add.</summary>
    private static readonly string[] LaterTables = ["refresh_tokens", "audit_events"];

    internal static readonly string[] ProjectTables = ["users", "roles", "user_roles", "incident_timers", .. LaterTables];

    [Fact]
    public async Task Run_records_the_four_original_migrations_first_in_order_then_the_later_ones_and_info_shows_them_installed()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "schema_verbs");

        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("run"));

        await using var connection = await scratch.OpenAsync();
        var history = await connection.RowsAsync(
            """SELECT migration_id, product_version, applied_at FROM "__EFMigrationsHistory" ORDER BY migration_id""");
        Assert.Equal(Migrations, history.Select(r => (string)r[0]!));
        Assert.Equal(OriginalMigrations, history.Take(4).Select(r => (string)r[0]!));
        Assert.All(history, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)r[1]));
            Assert.NotNull(r[2]);
        });

        var info = await scratch.RunWorkerAsync("info");
        MigrationHistory.AssertSucceeded(info);
        foreach (var id in Migrations)
        {
            var underscore = id.IndexOf('_', StringComparison.Ordinal);
            Assert.Contains($"{id[..underscore]}/installed {id[(underscore + 1)..]} (", info.Output, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("/pending", info.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_on_an_empty_database_lists_every_migration_as_pending()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "schema_verbs");

        var info = await scratch.RunWorkerAsync("info");

        MigrationHistory.AssertSucceeded(info);
        foreach (var id in Migrations)
        {
            var underscore = id.IndexOf('_', StringComparison.Ordinal);
            Assert.Contains($"{id[..underscore]}/pending {id[(underscore + 1)..]}", info.Output, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("/installed", info.Output, StringComparison.Ordinal);
        await using var connection = await scratch.OpenAsync();
        Assert.Null(await connection.ScalarAsync<string?>("SELECT to_regclass('public.users')::text"));
    }

    [Fact]
    public async Task Running_run_a_second_time_changes_nothing()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "schema_verbs");
        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("run"));
        string before;
        await using (var connection = await scratch.OpenAsync())
        {
            before = await MigrationHistory.FingerprintAsync(connection);
        }

        MigrationHistory.AssertSucceeded(await scratch.RunWorkerAsync("run"));

        await using var after = await scratch.OpenAsync();
        Assert.Equal(before, await MigrationHistory.FingerprintAsync(after));
    }

    [Fact]
    public async Task Two_workers_started_at_once_on_an_empty_database_both_succeed_and_apply_each_migration_once()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "schema_twice");

        var results = await Task.WhenAll(scratch.RunWorkerAsync("run"), scratch.RunWorkerAsync("run"))
            .WaitAsync(SchemaSql.WorkerTimeout);

        Assert.All(results, MigrationHistory.AssertSucceeded);
        await using var connection = await scratch.OpenAsync();
        Assert.Equal(Migrations, await MigrationHistory.HistoryAsync(connection));
        Assert.Equal(0L, await connection.ScalarAsync<long>(
            """SELECT count(*) FROM (SELECT migration_id FROM "__EFMigrationsHistory" GROUP BY migration_id HAVING count(*) > 1) d"""));
        // The seed of the second migration ran once too, and the role was granted to in this database.
        Assert.Equal(2L, await connection.ScalarAsync<long>("SELECT count(*) FROM roles"));
        Assert.True(await connection.ScalarAsync<bool>(
            "SELECT has_table_privilege('kennwilliamson_app', 'public.incident_timers', 'INSERT')"));
    }
}
