namespace KennWilliamson.MigrationService.Privileges;

/// <summary>
/// What the API's role (<c>AppDatabase:Username</c>, kennwilliamson_app) and PUBLIC may do in this
/// database: the one declaration. <see cref="PrivilegeStatements"/> turns it into the provisioner's GRANT
/// and REVOKE statements and <see cref="PrivilegeCheck"/> compares the database with it, so what is
/// declared here is what is applied and what is checked. Every privilege not listed is revoked.
/// </summary>
internal static class PrivilegeMatrix
{
    /// <summary>The table rule for every table of schema public that has no rule of its own.</summary>
    public const string AnyOtherTable = "*";

    private static readonly string[] RowAccess = ["SELECT", "INSERT", "UPDATE", "DELETE"];

    public static IReadOnlyList<PrivilegeRule> Rules { get; } =
    [
        // Only the API (and the owner) connect; nobody else creates schemas or temporary tables.
        new(PrivilegeObject.Database, PrivilegeRule.CurrentDatabase, ApiRole: ["CONNECT"], Public: []),
        // Everyone may look up names in public, as a new database allows; nobody but the owner creates in it.
        new(PrivilegeObject.Schema, "public", ApiRole: ["USAGE"], Public: ["USAGE"]),
        // Migration history is the worker's: the API may read it (the health check counts it), never write it.
        new(PrivilegeObject.Table, "__EFMigrationsHistory", ApiRole: ["SELECT"], Public: []),
        // The original backend's history, kept as a record after an adoption: none of the API's business.
        new(PrivilegeObject.Table, "_sqlx_migrations", ApiRole: [], Public: []),
        // The audit trail is append-only for the API; only the worker's purge deletes from it.
        new(PrivilegeObject.Table, "audit_events", ApiRole: ["SELECT", "INSERT"], Public: []),
        new(PrivilegeObject.Table, AnyOtherTable, ApiRole: RowAccess, Public: []),
        // The API's one window on server statistics (GET /api/admin/slow-queries).
        new(PrivilegeObject.Function, "slow_queries(integer)", ApiRole: ["EXECUTE"], Public: []),
        // Tables the worker's role creates later (a migration), usable by the API before the grants run again.
        new(PrivilegeObject.FutureTables, "public", ApiRole: RowAccess, Public: []),
    ];
}
