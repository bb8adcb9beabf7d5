using System.Diagnostics;
using System.Globalization;
using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using KennWilliamson.MigrationService.Backups;
using KennWilliamson.MigrationService.Operations;
using Npgsql;

namespace KennWilliamson.MigrationService.Rehearsal;

/// <summary>
/// <c>rehearse [FILE]</c>: the pending migrations, each timed, on a scratch copy restored from a backup, dropped
/// whatever happens; the real database and its roles are not changed.
/// </summary>
internal sealed class MigrationRehearsal(BackupSettings settings, ILogger logger, OperatorReport report)
{
    public async Task RunAsync(AppDbContext db, string? file, CancellationToken ct)
    {
        var backup = BackupSource.Resolve(file, settings);
        var plain = PlainDump.Check(backup, settings.AllowUnencrypted); // refused before any scratch database exists
        var real = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        var scratch = new NpgsqlConnectionStringBuilder(real.ConnectionString)
        {
            Database = ScratchName(real.Database ?? "kennwilliamson"),
            Pooling = false,
        };
        report.Line($"Rehearsing the pending migrations on a copy of {backup} (scratch database {scratch.Database}).");
        if (plain)
        {
            report.Line($"  {PlainDump.Accepted(backup)}");
        }

        await ExecuteAsync(db, $"CREATE DATABASE {Quote(scratch.Database!)}",
            "cannot create the scratch database: the worker's role needs CREATEDB (or rehearse on a server where it has it)", ct);
        try
        {
            var restore = Stopwatch.StartNew();
            await BackupRestore.RestoreAsync(backup, settings, scratch, ct);
            report.Line($"  restored in {Seconds(restore.Elapsed)}");
            await using var copy = OpenCopy(scratch.ConnectionString);
            await MigrateCopyAsync(copy, ct);
        }
        finally
        {
            await ExecuteAsync(db, $"DROP DATABASE IF EXISTS {Quote(scratch.Database!)} WITH (FORCE)",
                $"could not drop the scratch database {scratch.Database}: drop it by hand", CancellationToken.None);
            report.Line($"  scratch database {scratch.Database} dropped; {real.Database} was not changed");
        }
    }

    private async Task MigrateCopyAsync(AppDbContext copy, CancellationToken ct)
    {
        // The original backend's database is taken over first, as the run verb does (on an open connection,
        // as it expects: the run verb holds its migration lock on it).
        await copy.Database.OpenConnectionAsync(ct);
        await SqlxAdoption.AdoptIfOriginalAsync(copy, logger, ct);
        var pending = (await copy.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count == 0)
        {
            report.Line("Rehearsal done: no pending migrations; the backup's schema is already current.");
            return;
        }
        var migrator = copy.GetService<IMigrator>();
        var total = Stopwatch.StartNew();
        for (var i = 0; i < pending.Count; i++)
        {
            var one = Stopwatch.StartNew();
            try
            {
                await migrator.MigrateAsync(pending[i], ct);
            }
            catch (Exception ex) when (ex is PostgresException or NpgsqlException or InvalidOperationException)
            {
                var reason = ex is PostgresException pg ? $"{pg.SqlState}: {pg.MessageText}" : ex.Message;
                report.Line($"  {pending[i]}  FAILED after {Seconds(one.Elapsed)}: {reason}");
                foreach (var skipped in pending.Skip(i + 1))
                {
                    report.Line($"  {skipped}  not run");
                }
                throw new InvalidOperationException(
                    $"Rehearsal failed: migration {pending[i]} failed on the copy ({reason}). The real database was not changed.", ex);
            }
            report.Line($"  {pending[i]}  ok in {Seconds(one.Elapsed)}");
        }
        report.Line($"Rehearsal done: {pending.Count} pending migration(s) applied to the copy in {Seconds(total.Elapsed)}.");
    }

    private static AppDbContext OpenCopy(string connectionString)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        AppDbContext.Configure(options);
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(AppDbContext.MigrationsAssembly));
        options.ReplaceService<IHistoryRepository, TimestampedHistoryRepository>();
        return new AppDbContext(options.Options);
    }

    private static async Task ExecuteAsync(AppDbContext db, string sql, string whatFailed, CancellationToken ct)
    {
        try
        {
            await db.Database.ExecuteSqlRawAsync(sql, ct);
        }
        catch (PostgresException ex)
        {
            throw new InvalidOperationException($"Rehearsal {whatFailed} ({ex.SqlState}: {ex.MessageText}).", ex);
        }
    }

    /// <summary>&lt;database&gt;_rehearsal_&lt;UTC time&gt;, within PostgreSQL's 63-byte identifier limit.</summary>
    private static string ScratchName(string database)
    {
        var suffix = "_rehearsal_" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        return database[..Math.Min(database.Length, 63 - suffix.Length)] + suffix;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Seconds(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.00} s");
}
