using KennWilliamson.Data.Sql;

namespace KennWilliamson.Api.Accounts;

public static class AccountSql
{
    /// <summary>
    /// Target exclusive, caller shared (one exclusive lock when the keys collide), in key order: PostgreSQL evaluates
    /// volatile output expressions after the outer sort.
    /// </summary>
    public static readonly SqlStatement RoleChangeLocks = new("role change locks", """
        SELECT CASE WHEN k.exclusive THEN pg_advisory_xact_lock(k.key) ELSE pg_advisory_xact_lock_shared(k.key) END
        FROM (SELECT hashtextextended('user-roles:' || u.id::text, 0) AS key, bool_or(u.id = $2) AS exclusive
              FROM unnest(ARRAY[$1::uuid, $2::uuid]) AS u(id)
              GROUP BY 1) AS k
        ORDER BY k.key
        """, [typeof(Guid), typeof(Guid)]);

    /// <summary>Held while a registration picks its slug, per base slug.</summary>
    public static readonly SqlStatement SlugLock = new("registration slug lock",
        "SELECT pg_advisory_xact_lock(hashtextextended('slug:' || $1::text, 0))", [typeof(string)]);

    /// <summary>PostgreSQL's lower(), not .NET's, as the unique index on lower(email) compares it.</summary>
    public static readonly SqlStatement EmailKey = new("email key",
        "SELECT lower($1::text) AS \"Value\"", [typeof(string)], new SqlColumn("Value", typeof(string)));

    public static readonly SqlStatement RefreshTokenPurge = new("refresh token purge", """
        DELETE FROM refresh_tokens WHERE id IN (
            SELECT id FROM refresh_tokens
            WHERE expires_at < $1 OR (revoked_at < $1 AND used_at IS NULL)
            LIMIT $2::int)
        """, [typeof(DateTimeOffset), typeof(int)]);
}
