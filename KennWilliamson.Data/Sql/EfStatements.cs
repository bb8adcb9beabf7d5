using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace KennWilliamson.Data.Sql;

public static class EfStatements
{
    public static Task<int> ExecuteAsync(this DatabaseFacade database, SqlStatement statement, CancellationToken ct, params NpgsqlParameter[] arguments)
    {
        statement.CheckCount(arguments.Length);
        return database.ExecuteSqlRawAsync(statement.EfSql, arguments, ct);
    }

    /// <summary>EF reads the one column by the name <c>Value</c> and may compose around the statement.</summary>
    public static IQueryable<T> Query<T>(this DatabaseFacade database, SqlStatement statement, params NpgsqlParameter[] arguments)
    {
        statement.CheckCount(arguments.Length);
        return database.SqlQueryRaw<T>(statement.EfSql, arguments);
    }
}
