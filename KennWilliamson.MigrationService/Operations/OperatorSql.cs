using KennWilliamson.Data.Sql;

namespace KennWilliamson.MigrationService.Operations;

/// <summary>
/// The worker's statements on the application's tables. Its statements on the catalogs and its DDL (privileges,
/// reset, sqlx adoption) cannot be described by PREPARE; the privilege-matrix and verb tests check those.
/// </summary>
public static class OperatorSql
{
    /// <summary>grant-admin: idempotent, as the API's grant.</summary>
    public static readonly SqlStatement GrantRole = new("worker role grant", """
        INSERT INTO user_roles (user_id, role_id)
        SELECT $1, r.id FROM roles r WHERE r.name = $2
        ON CONFLICT (user_id, role_id) DO NOTHING
        """, [typeof(Guid), typeof(string)]);

    /// <summary>A role change ends every session of the user, as the API's does.</summary>
    public static readonly SqlStatement RevokeSessions = new("worker session revocation",
        "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL", [typeof(Guid)]);

    /// <summary>purge, a batch at a time, so no lock is held long.</summary>
    public static readonly SqlStatement AuditPurge = new("audit purge", """
        DELETE FROM audit_events WHERE id IN (
            SELECT id FROM audit_events WHERE occurred_at < $1 ORDER BY occurred_at LIMIT $2::int)
        """, [typeof(DateTimeOffset), typeof(int)]);

    public static readonly SqlStatement AppliedMigrations = new("applied migrations with times",
        $"""SELECT migration_id, {TimestampedHistoryRepository.AppliedAtColumn} FROM "__EFMigrationsHistory" """, [],
        new SqlColumn("migration_id", typeof(string)), new(TimestampedHistoryRepository.AppliedAtColumn, typeof(DateTimeOffset)));
}
