using KennWilliamson.Data;
using KennWilliamson.MigrationService.Privileges;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService;

/// <summary>Applying and reverting the migrations, one worker at a time.</summary>
internal sealed class SchemaMigrations(AppRoleProvisioner roles, ILogger<SchemaMigrations> logger)
{
    /// <summary>Every pending migration, then the API role's privileges (applied and checked). Serialized by an advisory lock, so two workers at once apply each migration once.</summary>
    public async Task<PrivilegeCheckResult> ApplyAsync(AppDbContext db, CancellationToken ct)
    {
        await db.Database.CreateExecutionStrategy().ExecuteAsync(ct, c => WithMigrationLockAsync(db, async () =>
        {
            // The original backend's (SQLx) database is taken over first; see SqlxAdoption.
            await SqlxAdoption.AdoptIfOriginalAsync(db, logger, c);
            // Npgsql reads the history table without checking it exists: on a new database that
            // SELECT fails, and EF and PostgreSQL both log the expected failure as an error.
            // Created (empty) first, no statement fails.
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(c);
            var pending = (await db.Database.GetPendingMigrationsAsync(c)).ToList();
            logger.LogInformation("Applying {Count} pending migration(s): {Names}", pending.Count, pending);
            await db.Database.MigrateAsync(c);
        }, c));
        return await roles.EnsureAsync(db, ct);
    }

    /// <summary>
    /// <c>revert [--to NAME|0]</c>: back to the named migration, else the one before the last; then the
    /// API role's privileges again, as a down migration may re-create a table under the default privileges.
    /// </summary>
    public async Task RevertAsync(AppDbContext db, string? to, CancellationToken ct)
    {
        var target = await RevertTargetAsync(db, to, ct);
        logger.LogInformation("Reverting to {Target}", target);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(ct,
            c => WithMigrationLockAsync(db, () => db.GetService<IMigrator>().MigrateAsync(target, c), c));
        await roles.EnsureAsync(db, ct);
    }

    /// <summary>
    /// Runs <paramref name="migrate"/> holding a session-level advisory lock on the context's connection.
    /// EF's own migration lock (Npgsql: a lock on the history table, released with each migration's
    /// transaction) does not stop a second worker that read the pending list before the first one
    /// finished from applying the same migrations again ("relation already exists"). Waiting here
    /// first means the second worker's migrator reads the history only after the first is done.
    /// </summary>
    private static async Task WithMigrationLockAsync(AppDbContext db, Func<Task> migrate, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(hashtext('kennwilliamson:migrations'))", ct);
            try
            {
                await migrate();
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(hashtext('kennwilliamson:migrations'))", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<string> RevertTargetAsync(AppDbContext db, string? to, CancellationToken ct)
    {
        var applied = (await db.Database.GetAppliedMigrationsAsync(ct)).ToList();
        if (to is not null)
        {
            if (to == Migration.InitialDatabase || applied.Contains(to))
            {
                return to;
            }
            throw new InvalidOperationException(
                $"'{to}' is not an applied migration. Applied: {string.Join(", ", applied)}; use 0 for none.");
        }
        return applied.Count switch
        {
            0 => throw new InvalidOperationException("No migration is applied: nothing to revert."),
            1 => Migration.InitialDatabase,
            _ => applied[^2],
        };
    }
}
