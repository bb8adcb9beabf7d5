using System.Diagnostics;
using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService;

/// <summary>
/// Runs one verb against the database, then stops the host. Any failure is logged and turned into a
/// non-zero exit code: a BackgroundService that throws would otherwise let the process exit 0, and the
/// AppHost would start the API on a broken schema.
/// </summary>
internal sealed class MigrationWorker(
    IServiceProvider services,
    WorkerCommand command,
    AppRoleProvisioner roles,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    ILogger<MigrationWorker> logger) : BackgroundService
{
    public const string ActivitySourceName = "KennWilliamson.Migrations";
    private static readonly ActivitySource Source = new(ActivitySourceName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = Source.StartActivity($"migrations {command.Verb.ToString().ToLowerInvariant()}");
        try
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await WaitForDatabaseAsync(db, stoppingToken);
            await RunAsync(db, stoppingToken);
            activity?.SetStatus(ActivityStatusCode.Ok);
            Environment.ExitCode = 0;
        }
        catch (Exception ex)
        {
            activity?.AddException(ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            logger.LogCritical(ex, "Migration {Verb} failed: {Message}", command.Verb, ex.Message);
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task RunAsync(AppDbContext db, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        switch (command.Verb)
        {
            case MigrationVerb.Info:
                await MigrationInfo.PrintAsync(db, Console.Out, ct);
                break;
            case MigrationVerb.Rehearse:
                await new Rehearsal.MigrationRehearsal(configuration, logger, Console.Out).RunAsync(db, command.Target, ct);
                break;
            case MigrationVerb.GrantAdmin:
                await AdminGrant.GrantAsync(db, command.Target!, logger, ct);
                break;
            case MigrationVerb.Revert:
                var target = await RevertTargetAsync(db, command.Target, ct);
                logger.LogInformation("Reverting to {Target}", target);
                await strategy.ExecuteAsync(ct, c => WithMigrationLockAsync(db, () => db.GetService<IMigrator>().MigrateAsync(target, c), c));
                break;
            default:
                // Serialized by an advisory lock, so two workers at once apply each migration once.
                await strategy.ExecuteAsync(ct, c => WithMigrationLockAsync(db, async () =>
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
                await roles.EnsureAsync(db, ct);
                break;
        }

        if (command.Seed)
        {
            await DevelopmentSeed.ApplyAsync(db, logger, ct);
        }
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

    /// <summary>
    /// A database that is not up yet (a managed server still starting, a late container) is waited for:
    /// one plain connection attempt every two seconds, outside EF's retry strategy, for up to
    /// <c>Migrations:DatabaseWaitSeconds</c> (120 s). Then the migrations run with EF's retries as usual.
    /// </summary>
    private async Task WaitForDatabaseAsync(AppDbContext db, CancellationToken ct)
    {
        var wait = TimeSpan.FromSeconds(configuration.GetValue("Migrations:DatabaseWaitSeconds", 120));
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false, Timeout = 5 }.ConnectionString;
        var deadline = DateTime.UtcNow + wait;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new Npgsql.NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                if (attempt > 1)
                {
                    logger.LogInformation("Database reachable after {Attempts} attempts.", attempt);
                }
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException && DateTime.UtcNow < deadline)
            {
                logger.LogWarning("Database not reachable yet (attempt {Attempt}, waiting up to {Wait} s): {Message}", attempt, wait.TotalSeconds, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
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
