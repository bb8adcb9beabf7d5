using KennWilliamson.Data;
using KennWilliamson.MigrationService.Migrations;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService;

/// <summary>
/// Takes over the original backend's database: when <c>_sqlx_migrations</c> has its four versions and EF's
/// history is empty, records the four matching migrations and brings the schema to this design, no row lost.
/// </summary>
internal static partial class SqlxAdoption
{
    public static readonly IReadOnlyList<(long Version, string MigrationId)> OriginalMigrations =
    [
        (20250829024919, "20250829024919_create_users_table"),
        (20250829025210, "20250829025210_create_roles_table"),
        (20250829095648, "20250829095648_add_user_slug_to_users"),
        (20250829095731, "20250829095731_create_incident_timers_table"),
    ];

    private static readonly string[] Tables = ["users", "roles", "user_roles", "incident_timers"];

    private static readonly string[] TriggerTables = ["users", "roles", "incident_timers"];

    /// <summary>Adopts the database when it is the original's; true when it did. Call inside the migration lock.</summary>
    public static async Task<bool> AdoptIfOriginalAsync(AppDbContext db, ILogger logger, CancellationToken ct)
    {
        if (!await ScalarAsync<bool>(db, "SELECT to_regclass('public._sqlx_migrations') IS NOT NULL", ct))
        {
            return false;
        }
        if (await ScalarAsync<bool>(db, """SELECT to_regclass('public."__EFMigrationsHistory"') IS NOT NULL""", ct)
            && await ScalarAsync<long>(db, """SELECT count(*) FROM "__EFMigrationsHistory" """, ct) > 0)
        {
            return false; // adopted before, or EF's own
        }

        var installed = await InstalledVersionsAsync(db, ct);
        var expected = OriginalMigrations.Select(m => m.Version).ToList();
        if (!installed.Keys.Order().SequenceEqual(expected))
        {
            throw new InvalidOperationException(
                $"_sqlx_migrations holds the versions [{string.Join(", ", installed.Keys.Order())}], but only a database with exactly " +
                $"the original's [{string.Join(", ", expected)}] (all successful) can be adopted. Nothing was changed.");
        }
        var missingTables = await ScalarAsync<string?>(db, $"""
            SELECT string_agg(t, ', ') FROM unnest(ARRAY['{string.Join("', '", Tables)}']) AS t
            WHERE to_regclass(format('public.%I', t)) IS NULL
            """, ct);
        if (missingTables is not null)
        {
            throw new InvalidOperationException($"_sqlx_migrations lists the original's migrations, but the tables {missingTables} are missing. Nothing was changed.");
        }

        logger.LogInformation("Adopting the original backend's database: _sqlx_migrations has versions {Versions} and EF's history is empty.",
            string.Join(", ", expected));
        var history = db.GetService<IHistoryRepository>();
        var productVersion = ProductInfo.GetVersion();

        await using var tx = await db.Database.BeginTransactionAsync(ct);

        var caseDuplicates = await ScalarAsync<string?>(db, """
            SELECT string_agg(emails, '; ') FROM (
              SELECT string_agg(email, ', ' ORDER BY email) AS emails FROM users GROUP BY lower(email) HAVING count(*) > 1
            ) d
            """, ct);
        if (caseDuplicates is not null)
        {
            throw new InvalidOperationException(
                "Cannot adopt the original database: these users' emails differ only by letter case, and this project's emails are " +
                $"unique regardless of case: {caseDuplicates}. Change or merge those accounts, then run the worker again. Nothing was changed.");
        }

        await ExecuteAsync(db, history.GetCreateIfNotExistsScript(), ct);
        logger.LogInformation("Adoption: EF's history table is there.");

        // UUIDv7 functions (the original has the pg_uuidv7 extension; elsewhere the portable ones).
        if (!await ScalarAsync<bool>(db, "SELECT to_regprocedure('uuid_generate_v7()') IS NOT NULL", ct))
        {
            await ExecuteAsync(db, MigrationSql.InstallUuidV7Sql, ct);
            logger.LogInformation("Adoption: installed the UUIDv7 functions.");
        }

        await ExecuteAsync(db, ReshapeSql, ct);
        logger.LogInformation("Adoption: keys, indexes and foreign keys now have this project's design and names; the original's extra indexes are gone.");

        // The one updated_at trigger function and its three triggers, and the seeded roles.
        var triggers = string.Concat(TriggerTables.Select(t => $"""
            DROP TRIGGER IF EXISTS update_{t}_updated_at ON {t};
            CREATE TRIGGER update_{t}_updated_at BEFORE UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

            """));
        await ExecuteAsync(db, $"""
            {MigrationSql.UpdatedAtFunctionSql}
            {triggers}
            INSERT INTO roles (name, description) VALUES
              ('user', 'Standard user with basic permissions'),
              ('admin', 'Administrator with full permissions')
            ON CONFLICT (name) DO NOTHING;
            """, ct);

        foreach (var (version, migrationId) in OriginalMigrations)
        {
            await ExecuteAsync(db,
                $"""INSERT INTO "__EFMigrationsHistory" (migration_id, product_version, {TimestampedHistoryRepository.AppliedAtColumn}) VALUES ($1, $2, $3)""",
                ct, migrationId, productVersion, installed[version]);
        }
        await tx.CommitAsync(ct);
        logger.LogInformation("Adopted the original database: {Migrations} recorded as applied; later migrations follow.",
            string.Join(", ", OriginalMigrations.Select(m => m.MigrationId)));
        return true;
    }
}
