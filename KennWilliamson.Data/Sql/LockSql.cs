namespace KennWilliamson.Data.Sql;

/// <summary>
/// The advisory locks the API and the worker share. Every transaction takes a user's role lock before any
/// refresh-token family lock, and several of one kind in key order, so none waits on another in a circle.
/// </summary>
public static class LockSql
{
    /// <summary>A role change of the user: sign-ins and refreshes of the user wait for it.</summary>
    public static readonly SqlStatement RoleLock = new("user role lock",
        "SELECT pg_advisory_xact_lock(hashtextextended('user-roles:' || $1::uuid::text, 0))", [typeof(Guid)]);

    /// <summary>A sign-in or refresh: waits out a role change of the user in flight.</summary>
    public static readonly SqlStatement ShareRoleLock = new("user role lock, shared",
        "SELECT pg_advisory_xact_lock_shared(hashtextextended('user-roles:' || $1::uuid::text, 0))", [typeof(Guid)]);

    /// <summary>Every live refresh-token family of a user, in one order, as a rotation locks each.</summary>
    public static readonly SqlStatement UserFamiliesLock = new("refresh families of a user lock", """
        SELECT pg_advisory_xact_lock(hashtext('refresh-family:' || f.family_id::text))
        FROM (SELECT DISTINCT family_id FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY family_id) AS f
        """, [typeof(Guid)]);

    public static readonly SqlStatement FamilyLock = new("refresh family lock",
        "SELECT pg_advisory_xact_lock(hashtext('refresh-family:' || $1::uuid::text))", [typeof(Guid)]);
}
