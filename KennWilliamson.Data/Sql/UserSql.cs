using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.Data.Sql;

public static class UserSql
{
    /// <summary>lower() on both sides in PostgreSQL, as the unique index compares: .NET's lower-casing differs.</summary>
    public static readonly SqlStatement ByEmail = new("users by email", "SELECT id, email, password_hash, display_name, slug, created_at, updated_at FROM users WHERE lower(email) = lower($1)", [typeof(string)],
        new SqlColumn("id", typeof(Guid)), new("email", typeof(string)), new("password_hash", typeof(string)), new("display_name", typeof(string)),
        new("slug", typeof(string)), new("created_at", typeof(DateTimeOffset)), new("updated_at", typeof(DateTimeOffset)));

    public static IQueryable<User> WithEmail(this DbSet<User> users, string email) => users.FromSqlRaw(ByEmail.EfSql, ByEmail.Argument(0, email));
}
