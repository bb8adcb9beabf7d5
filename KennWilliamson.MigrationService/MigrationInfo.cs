using System.Data.Common;
using System.Globalization;
using KennWilliamson.Data;
using KennWilliamson.MigrationService.Operations;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KennWilliamson.MigrationService;

/// <summary>The <c>info</c> verb: every migration the worker knows, applied (with when) or pending.</summary>
internal static class MigrationInfo
{
    public static async Task PrintAsync(AppDbContext db, TextWriter output, CancellationToken ct)
    {
        var applied = await ReadAppliedAsync(db, ct);
        foreach (var id in db.Database.GetMigrations())
        {
            var (version, name) = Split(id);
            var line = applied.TryGetValue(id, out var at)
                ? $"{version}/installed {name} ({at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC)"
                : $"{version}/pending {name}";
            await output.WriteLineAsync(line.AsMemory(), ct);
        }
        foreach (var unknown in applied.Keys.Except(db.Database.GetMigrations()))
        {
            await output.WriteLineAsync($"{unknown}/unknown (applied, but not in this build)".AsMemory(), ct);
        }
    }

    private static (string Version, string Name) Split(string id)
    {
        var underscore = id.IndexOf('_', StringComparison.Ordinal);
        return underscore < 0 ? (id, id) : (id[..underscore], id[(underscore + 1)..]);
    }

    private static async Task<Dictionary<string, DateTimeOffset>> ReadAppliedAsync(AppDbContext db, CancellationToken ct)
    {
        // Not IHistoryRepository.ExistsAsync: Npgsql's always answers true (it relies on catching
        // "relation does not exist" instead), so an empty database is recognised the same way here.
        var result = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = OperatorSql.AppliedMigrations.Sql;
            await using DbDataReader reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                result[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // No history table yet: nothing is applied.
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return result;
    }
}
