namespace KennWilliamson.MigrationService.Privileges;

/// <summary>
/// What the API's role (<c>AppDatabase:Username</c>, kennwilliamson_app) and PUBLIC may do in this
/// database: the one declaration. <see cref="PrivilegeStatements"/> turns it into the provisioner's GRANT
/// and REVOKE statements and <see cref="PrivilegeCheck"/> compares the database with it, so what is
/// declared here is what is applied and what is checked. It governs the database, every schema outside
/// the system's, every relation, sequence and routine in them, and the worker role's default privileges;
/// on all of these, every privilege not listed is revoked.
/// </summary>
internal static class PrivilegeMatrix
{
    /// <summary>The schema the rules name objects in; objects of any other schema get nothing.</summary>
    public const string Schema = "public";

    /// <summary>The rule for every plain or partitioned table of schema public without a rule of its own (not views).</summary>
    public const string AnyOtherTable = "*";

    private static readonly string[] RowAccess = ["SELECT", "INSERT", "UPDATE", "DELETE"];

    public static IReadOnlyList<PrivilegeRule> Rules { get; } =
    [
        // Only the API (and the owner) connect; nobody else creates schemas or temporary tables.
        new(PrivilegeObject.Database, PrivilegeRule.CurrentDatabase, ApiRole: ["CONNECT"], Public: []),
        // Everyone may look up names in public, as a new database allows; nobody but the owner creates in it.
        // Any other schema (monitoring, one a dump brings) is closed to both.
        new(PrivilegeObject.Schema, Schema, ApiRole: ["USAGE"], Public: ["USAGE"]),
        // Migration history is the worker's: the API may read it (the health check counts it), never write it.
        new(PrivilegeObject.Table, "__EFMigrationsHistory", ApiRole: ["SELECT"], Public: []),
        // The original backend's history, kept as a record after an adoption: none of the API's business.
        new(PrivilegeObject.Table, "_sqlx_migrations", ApiRole: [], Public: []),
        // The audit trail is append-only for the API; only the worker's purge deletes from it.
        new(PrivilegeObject.Table, "audit_events", ApiRole: ["SELECT", "INSERT"], Public: []),
        new(PrivilegeObject.Table, AnyOtherTable, ApiRole: RowAccess, Public: []),
        // Every id column's default: a default runs with the inserting role's rights.
        new(PrivilegeObject.Function, "uuid_generate_v7()", ApiRole: ["EXECUTE"], Public: []),
        // The API's one window on server statistics (GET /api/admin/slow-queries); that overload only.
        new(PrivilegeObject.Function, "slow_queries(integer)", ApiRole: ["EXECUTE"], Public: []),
        // Tables the worker's role creates later (a migration), usable by the API before the grants run again.
        new(PrivilegeObject.FutureTables, Schema, ApiRole: RowAccess, Public: []),
    ];
}
