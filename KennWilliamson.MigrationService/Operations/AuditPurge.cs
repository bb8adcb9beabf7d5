using Npgsql;

namespace KennWilliamson.MigrationService.Operations;

/// <summary>What a purge did: the rows it deleted and the moment before which a row counted as old.</summary>
internal sealed record AuditPurgeResult(long Deleted, DateTimeOffset Cutoff);

/// <summary><c>purge</c>, as the owner (the API may only append), in batches so no lock is held long.</summary>
internal sealed class AuditPurge(TimeProvider time, int batchSize = 10_000)
{
    public async Task<AuditPurgeResult> RunAsync(string connectionString, int retentionDays, CancellationToken ct)
    {
        var cutoff = UpToMicrosecond(time.GetUtcNow() - TimeSpan.FromDays(retentionDays));
        await using var connection = await Unpooled.OpenAsync(connectionString, ct);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('public.audit_events') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!)
            {
                throw new InvalidOperationException("there is no audit_events table to purge: apply the migrations first (run)");
            }
        }
        var statement = OperatorSql.AuditPurge;
        await using var delete = new NpgsqlCommand(statement.Sql, connection);
        delete.Parameters.Add(statement.Argument(0, cutoff));
        delete.Parameters.Add(statement.Argument(1, batchSize));
        long deleted = 0;
        int batch;
        do
        {
            batch = await delete.ExecuteNonQueryAsync(ct);
            deleted += batch;
        }
        while (batch == batchSize);
        return new(deleted, cutoff);
    }

    /// <summary>Up to the next microsecond, so "before" means the same in PostgreSQL and .NET.</summary>
    private static DateTimeOffset UpToMicrosecond(DateTimeOffset t)
    {
        var rest = t.UtcTicks % TimeSpan.TicksPerMicrosecond;
        return new DateTimeOffset(rest == 0 ? t.UtcTicks : t.UtcTicks - rest + TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
    }
}
