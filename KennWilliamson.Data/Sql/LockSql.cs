namespace KennWilliamson.Data.Sql;

/// <summary>Role locks before family locks, several of one kind in key order, so no transaction waits in a circle.</summary>
public static class LockSql
{
    public static readonly SqlStatement RoleLock = new("user role lock",
        "SELECT pg_advisory_xact_lock(hashtextextended('user-roles:' || $1::uuid::text, 0))", [typeof(Guid)]);

    public static readonly SqlStatement ShareRoleLock = new("user role lock, shared",
        "SELECT pg_advisory_xact_lock_shared(hashtextextended('user-roles:' || $1::uuid::text, 0))", [typeof(Guid)]);

    /// <summary>In one order, as a rotation locks each.</summary>
    public static readonly SqlStatement UserFamiliesLock = new("refresh families of a user lock", """
        SELECT pg_advisory_xact_lock(hashtext('refresh-family:' || f.family_id::text))
        FROM (SELECT DISTINCT family_id FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY family_id) AS f
        """, [typeof(Guid)]);

    public static readonly SqlStatement FamilyLock = new("refresh family lock",
        "SELECT pg_advisory_xact_lock(hashtext('refresh-family:' || $1::uuid::text))", [typeof(Guid)]);
}
