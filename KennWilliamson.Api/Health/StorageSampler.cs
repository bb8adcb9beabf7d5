using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.Api.Health;

/// <summary>
/// Database and table sizes, and the data directory's free space only where the API can see it
/// (<c>Monitoring:DataDirectory</c>); elsewhere unknown, never guessed.
/// </summary>
public sealed class StorageSampler(IConfiguration configuration)
{
    public const int LargestTableCount = 5;

    public string? DataDirectory { get; } = configuration["Monitoring:DataDirectory"] is { Length: > 0 } d ? d : null;

    public async Task<StorageDetails> SampleAsync(AppDbContext db, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = HealthSql.StorageSample.Sql;
            long databaseBytes = 0;
            var tables = new List<TableSize>(LargestTableCount);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (reader.IsDBNull(0))
                {
                    databaseBytes = reader.GetInt64(1);
                }
                else
                {
                    tables.Add(new TableSize(reader.GetString(0), reader.GetInt64(1)));
                }
            }
            return new StorageDetails(databaseBytes, tables, FreeSpace(), DateTimeOffset.UtcNow);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private DiskSpace? FreeSpace()
    {
        if (DataDirectory is null || !Directory.Exists(DataDirectory))
        {
            return null;
        }
        // statvfs: reading the filesystem's numbers needs no access to the folder itself.
        var drive = new DriveInfo(DataDirectory);
        var total = drive.TotalSize;
        return new DiskSpace(drive.AvailableFreeSpace, total, total > 0 ? Math.Round((double)drive.AvailableFreeSpace / total, 4) : 0);
    }
}

/// <summary>The database's size, its largest tables, and the data directory's filesystem (null when not visible here).</summary>
public sealed record StorageDetails(long DatabaseBytes, IReadOnlyList<TableSize> LargestTables, DiskSpace? DataDirectory, DateTimeOffset SampledAt);

public sealed record TableSize(string Table, long Bytes);

/// <summary>Space available to PostgreSQL (not counting blocks reserved for root), the filesystem's size, and their ratio.</summary>
public sealed record DiskSpace(long FreeBytes, long TotalBytes, double FreeRatio);
