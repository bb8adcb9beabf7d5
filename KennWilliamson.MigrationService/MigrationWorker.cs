using System.Diagnostics;
using KennWilliamson.Data;
using KennWilliamson.MigrationService.Backups;
using KennWilliamson.MigrationService.Operations;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KennWilliamson.MigrationService;

/// <summary>One verb, then the host stops; a failure is a non-zero exit, or the AppHost would start the API on a broken schema.</summary>
internal sealed class MigrationWorker(
    IServiceProvider services,
    WorkerCommand command,
    SchemaMigrations migrations,
    AppRoleProvisioner roles,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    ILogger<MigrationWorker> logger) : BackgroundService
{
    public const string ActivitySourceName = "KennWilliamson.Migrations";
    private static readonly ActivitySource Source = new(ActivitySourceName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = Source.StartActivity($"migrations {command.Verb.ToString().ToLowerInvariant()}");
        // Non-zero until the verb has finished: a run stopped half-way (Ctrl+C, the host shutting down) must not exit 0.
        Environment.ExitCode = 1;
        try
        {
            if (command.NeedsDatabase)
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                var connectionString = db.Database.GetConnectionString()!;
                await (command.IsOperatorVerb
                    ? DatabaseWait.ReachableNowAsync(connectionString, stoppingToken)
                    : DatabaseWait.UntilReachableAsync(connectionString,
                        TimeSpan.FromSeconds(configuration.GetValue("Migrations:DatabaseWaitSeconds", 120)), logger, stoppingToken));
                await RunAsync(db, new NpgsqlConnectionStringBuilder(connectionString), stoppingToken);
            }
            else
            {
                await VerifyBackupAsync(command.Target!, stoppingToken);
            }
            activity?.SetStatus(ActivityStatusCode.Ok);
            Environment.ExitCode = 0;
        }
        catch (Exception ex)
        {
            activity?.AddException(ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            logger.LogCritical(ex, "Migration {Verb} failed: {Message}", command.Verb, ex.Message);
            // The one line the scripts and the dashboard command show as the reason (run's log has it too).
            await Console.Error.WriteLineAsync($"error: {ex.Message.ReplaceLineEndings(" ")}");
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task RunAsync(AppDbContext db, NpgsqlConnectionStringBuilder target, CancellationToken ct)
    {
        var report = new OperatorReport(Console.Out, logger);
        switch (command.Verb)
        {
            case MigrationVerb.Info:
                await MigrationInfo.PrintAsync(db, Console.Out, ct);
                break;
            case MigrationVerb.Rehearse:
                await new Rehearsal.MigrationRehearsal(BackupSettings.From(configuration, command.AllowUnencrypted), logger, report).RunAsync(db, command.Target, ct);
                break;
            case MigrationVerb.GrantAdmin:
                await AdminGrant.GrantAsync(db, command.Target!, report, ct);
                break;
            case MigrationVerb.Backup:
                await new BackupWriter(BackupSettings.From(configuration), report).RunAsync(target, ct);
                break;
            case MigrationVerb.Restore:
                await new RestoreCommand(BackupSettings.From(configuration, command.AllowUnencrypted), report, Console.In).RunAsync(target, command.Target!, command.Yes, ct);
                // The restored tables took the default privileges (the API's row access, on the audit trail
                // too) and the dump only adds grants: the matrix again, the role's password left as it is.
                report.Line($"  {(await roles.EnsureAsync(db, ct, setPassword: false)).Summary}");
                break;
            case MigrationVerb.Purge:
                await PurgeAsync(target, report, ct);
                break;
            case MigrationVerb.Revert:
                await migrations.RevertAsync(db, command.Target, ct);
                break;
            case MigrationVerb.Reset:
                await DatabaseReset.ConfirmAsync(target, command.Yes, report, Console.In, ct);
                await DatabaseReset.DropEverythingAsync(target.ConnectionString, report, ct);
                var privileges = await migrations.ApplyAsync(db, ct);
                await SeedIfAskedAsync(db, ct);
                report.Line($"  {privileges.Summary}");
                await DatabaseReset.VerifyAsync(target.ConnectionString, command.Seed, report, ct);
                break;
            default:
                await migrations.ApplyAsync(db, ct);
                await SeedIfAskedAsync(db, ct);
                break;
        }
    }

    private async Task SeedIfAskedAsync(AppDbContext db, CancellationToken ct)
    {
        if (command.Seed)
        {
            await DevelopmentSeed.ApplyAsync(db, logger, ct);
        }
    }

    /// <summary><c>purge</c>: the audit rows older than <c>Audit:RetentionDays</c>, counted.</summary>
    private async Task PurgeAsync(NpgsqlConnectionStringBuilder target, OperatorReport report, CancellationToken ct)
    {
        var days = AuditRetention.Days(configuration);
        report.Line($"Purging the audit events older than {days} days from {DatabaseLabel.Of(target)}");
        var result = await new AuditPurge(time).RunAsync(target.ConnectionString, days, ct);
        report.Line($"  deleted every event before {result.Cutoff.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
        report.Line($"Purge done: {result.Deleted} audit event(s) deleted, the last {days} days kept");
    }

    /// <summary><c>verify-backup FILE</c>: only reads the file, so it needs no database.</summary>
    private async Task VerifyBackupAsync(string file, CancellationToken ct)
    {
        var check = await BackupVerifier.VerifyAsync(file, BackupSettings.From(configuration, command.AllowUnencrypted), ct);
        if (check.Failure is not null)
        {
            throw new InvalidOperationException($"verification failed: {check.Failure}");
        }
        new OperatorReport(Console.Out, logger).Line($"{file}: {check.Summary}");
    }
}
