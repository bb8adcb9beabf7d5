using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace KennWilliamson.Data.Sql;

/// <summary>A <see cref="SqlStatement"/> run by EF, on the context's connection and in its transaction.</summary>
public static class EfStatements
{
    public static Task<int> ExecuteAsync(this DatabaseFacade database, SqlStatement statement, CancellationToken ct, params NpgsqlParameter[] arguments)
    {
        statement.CheckCount(arguments.Length);
        return database.ExecuteSqlRawAsync(statement.EfSql, arguments, ct);
    }

    /// <summary>Rows of one column, which EF reads by the name <c>Value</c>; EF may compose around the statement.</summary>
    public static IQueryable<T> Query<T>(this DatabaseFacade database, SqlStatement statement, params NpgsqlParameter[] arguments)
    {
        statement.CheckCount(arguments.Length);
        return database.SqlQueryRaw<T>(statement.EfSql, arguments);
    }
}
