namespace KennWilliamson.MigrationService.Privileges;

/// <summary>The kinds of object the privilege matrix speaks of.</summary>
public enum PrivilegeObject
{
    Database,
    Schema,

    /// <summary>A plain or partitioned table.</summary>
    Table,
    View,
    MaterializedView,
    ForeignTable,
    Sequence,

    /// <summary>Any routine: a function, an aggregate or a procedure.</summary>
    Function,

    /// <summary>The default privileges of tables the worker's role creates later in a schema.</summary>
    FutureTables,
    FutureSequences,
    FutureFunctions,
    FutureTypes,

    /// <summary>The default privileges of schemas the worker's role creates later (database-wide only).</summary>
    FutureSchemas,
}

/// <summary>
/// One row of the privilege matrix: the privileges the API role and PUBLIC hold on one object. The name is
/// a table's, view's or sequence's name in schema public (<see cref="PrivilegeMatrix.AnyOtherTable"/> for
/// every other table there), a function's signature in schema public, a schema's name (for a schema and
/// for what the worker creates in it later), or <see cref="CurrentDatabase"/>.
/// </summary>
internal sealed record PrivilegeRule(PrivilegeObject Kind, string Name, IReadOnlyList<string> ApiRole, IReadOnlyList<string> Public)
{
    public const string CurrentDatabase = "";

    /// <summary>Every privilege PostgreSQL has for the kind of object: what the check reads and what is revoked when not declared.</summary>
    public static IReadOnlyList<string> All(PrivilegeObject kind, int serverVersion) => kind switch
    {
        PrivilegeObject.Database => ["CONNECT", "CREATE", "TEMPORARY"],
        PrivilegeObject.Schema or PrivilegeObject.FutureSchemas => ["USAGE", "CREATE"],
        PrivilegeObject.Sequence or PrivilegeObject.FutureSequences => ["USAGE", "SELECT", "UPDATE"],
        PrivilegeObject.Function or PrivilegeObject.FutureFunctions => ["EXECUTE"],
        PrivilegeObject.FutureTypes => ["USAGE"],
        // MAINTAIN (VACUUM, ANALYZE, REFRESH, ...) is a table privilege from PostgreSQL 17 on.
        _ => serverVersion >= 170000 ? [.. TablePrivileges, "MAINTAIN"] : TablePrivileges,
    };

    /// <summary>Kinds whose privileges are those of tables (GRANT ... ON TABLE): every relation but a sequence.</summary>
    public static bool IsRelation(PrivilegeObject kind) =>
        kind is PrivilegeObject.Table or PrivilegeObject.View or PrivilegeObject.MaterializedView or PrivilegeObject.ForeignTable;

    /// <summary>The kinds of default privileges a schema has (ALTER DEFAULT PRIVILEGES IN SCHEMA); schemas have them database-wide only.</summary>
    public static IReadOnlyList<PrivilegeObject> FutureInSchema { get; } =
        [PrivilegeObject.FutureTables, PrivilegeObject.FutureSequences, PrivilegeObject.FutureFunctions, PrivilegeObject.FutureTypes];

    private static readonly string[] TablePrivileges = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];
}

/// <summary>
/// One object privileges are held on. <see cref="Schema"/> is the schema the object is in (for a schema and
/// for a schema's default privileges, the schema itself; empty for the database and for the default
/// privileges of schemas); <see cref="Name"/> is a relation's name, a function's signature
/// ("slow_queries(integer)", argument types as <c>oidvectortypes</c> writes them), or the database's name.
/// </summary>
internal sealed record PrivilegeTarget(PrivilegeObject Kind, string Schema, string Name)
{
    public string Describe()
    {
        var name = Schema == PrivilegeMatrix.Schema ? Name : $"{Schema}.{Name}";
        return Kind switch
        {
            PrivilegeObject.Database => $"database {Name}",
            PrivilegeObject.Schema => $"schema {Schema}",
            PrivilegeObject.MaterializedView => $"materialized view {name}",
            PrivilegeObject.ForeignTable => $"foreign table {name}",
            PrivilegeObject.FutureTables => $"tables created later in schema {Schema}",
            PrivilegeObject.FutureSequences => $"sequences created later in schema {Schema}",
            PrivilegeObject.FutureFunctions => $"functions created later in schema {Schema}",
            PrivilegeObject.FutureTypes => $"types created later in schema {Schema}",
            PrivilegeObject.FutureSchemas => "schemas created later",
            _ => $"{Kind.ToString().ToLowerInvariant()} {name}",
        };
    }
}

/// <summary>One privilege of one grantee (the API role, or PUBLIC) on one object.</summary>
internal sealed record PrivilegeFact(PrivilegeTarget Target, string Grantee, string Privilege)
{
    public const string Public = "PUBLIC";
}
