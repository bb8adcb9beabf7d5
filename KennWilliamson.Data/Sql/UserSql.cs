using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.Data.Sql;

/// <summary>The users lookup the API and the worker share.</summary>
public static class UserSql
{
    /// <summary>
    /// Users by email as the unique index on lower(email) compares them: PostgreSQL's lower() on both sides, since
    /// .NET's lower-casing differs (a LINQ ToLower() on a parameter runs in .NET).
    /// </summary>
    public static readonly SqlStatement ByEmail = new("users by email", "SELECT id, email, password_hash, display_name, slug, created_at, updated_at FROM users WHERE lower(email) = lower($1)", [typeof(string)],
        new SqlColumn("id", typeof(Guid)), new("email", typeof(string)), new("password_hash", typeof(string)), new("display_name", typeof(string)),
        new("slug", typeof(string)), new("created_at", typeof(DateTimeOffset)), new("updated_at", typeof(DateTimeOffset)));

    /// <summary>Composable: EF reads the rows as <see cref="User"/> entities and may add to the query.</summary>
    public static IQueryable<User> WithEmail(this DbSet<User> users, string email) => users.FromSqlRaw(ByEmail.EfSql, ByEmail.Argument(0, email));
}
