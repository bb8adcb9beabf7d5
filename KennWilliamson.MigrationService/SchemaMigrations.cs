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
            // Created first, so EF's check for it logs no expected failure as an error.
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(c);
            var pending = (await db.Database.GetPendingMigrationsAsync(c)).ToList();
            logger.LogInformation("Applying {Count} pending migration(s): {Names}", pending.Count, pending);
            await db.Database.MigrateAsync(c);
        }, c));
        return await roles.EnsureAsync(db, ct);
    }

    /// <summary><c>revert</c>, then the privileges again: a down migration may re-create a table.</summary>
    public async Task RevertAsync(AppDbContext db, string? to, CancellationToken ct)
    {
        var target = await RevertTargetAsync(db, to, ct);
        logger.LogInformation("Reverting to {Target}", target);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(ct,
            c => WithMigrationLockAsync(db, () => db.GetService<IMigrator>().MigrateAsync(target, c), c));
        await roles.EnsureAsync(db, ct);
    }

    /// <summary>A session advisory lock: EF's own lets a second worker apply the same pending list again.</summary>
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
