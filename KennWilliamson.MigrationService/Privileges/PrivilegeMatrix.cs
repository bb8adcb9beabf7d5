namespace KennWilliamson.MigrationService.Privileges;

/// <summary>
/// The one declaration of what the API's role and PUBLIC may do; applied by <see cref="PrivilegeStatements"/>,
/// checked by <see cref="PrivilegeCheck"/>. Everything not listed is revoked.
/// </summary>
internal static class PrivilegeMatrix
{
    public const string Schema = "public";

    /// <summary>Every table of schema public without a rule of its own.</summary>
    public const string AnyOtherTable = "*";

    private static readonly string[] RowAccess = ["SELECT", "INSERT", "UPDATE", "DELETE"];

    public static IReadOnlyList<PrivilegeRule> Rules { get; } =
    [
        // Only the API (and the owner) connect; nobody else creates schemas or temporary tables.
        new(PrivilegeObject.Database, PrivilegeRule.CurrentDatabase, ApiRole: ["CONNECT"], Public: []),
        // Names in public may be looked up, as a new database allows; only the owner creates.
        new(PrivilegeObject.Schema, Schema, ApiRole: ["USAGE"], Public: ["USAGE"]),
        // Migration history is the worker's: the API may read it (the health check counts it), never write it.
        new(PrivilegeObject.Table, "__EFMigrationsHistory", ApiRole: ["SELECT"], Public: []),
        new(PrivilegeObject.Table, "_sqlx_migrations", ApiRole: [], Public: []),
        // The audit trail is append-only for the API; only the worker's purge deletes from it.
        new(PrivilegeObject.Table, "audit_events", ApiRole: ["SELECT", "INSERT"], Public: []),
        new(PrivilegeObject.Table, AnyOtherTable, ApiRole: RowAccess, Public: []),
        // A column default runs with the inserting role's rights.
        new(PrivilegeObject.Function, "uuid_generate_v7()", ApiRole: ["EXECUTE"], Public: []),
        // The API's one window on server statistics (GET /api/admin/slow-queries); that overload only.
        new(PrivilegeObject.Function, "slow_queries(integer)", ApiRole: ["EXECUTE"], Public: []),
        // Usable by the API before the grants run again after a migration.
        new(PrivilegeObject.FutureTables, Schema, ApiRole: RowAccess, Public: []),
    ];
}
