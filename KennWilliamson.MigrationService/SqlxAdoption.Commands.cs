using System.Data.Common;
using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace KennWilliamson.MigrationService;

/// <summary>The adoption's statements run on the DbContext's connection, inside its open transaction.</summary>
internal static partial class SqlxAdoption
{
    private static async Task<Dictionary<long, DateTimeOffset>> InstalledVersionsAsync(AppDbContext db, CancellationToken ct)
    {
        var result = new Dictionary<long, DateTimeOffset>();
        var connection = db.Database.GetDbConnection();
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        cmd.CommandText = "SELECT version, coalesce(installed_on, now()) FROM _sqlx_migrations WHERE success";
        await using DbDataReader reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetInt64(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        }
        return result;
    }

    private static async Task ExecuteAsync(AppDbContext db, string sql, CancellationToken ct, params object[] args)
    {
        var connection = db.Database.GetDbConnection();
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        cmd.CommandText = sql;
        foreach (var arg in args)
        {
            var parameter = cmd.CreateParameter();
            parameter.Value = arg;
            cmd.Parameters.Add(parameter);
        }
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> ScalarAsync<T>(AppDbContext db, string sql, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        cmd.CommandText = sql;
        var value = await cmd.ExecuteScalarAsync(ct);
        return value is null or DBNull ? default! : (T)value;
    }
}
