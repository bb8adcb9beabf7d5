namespace KennWilliamson.MigrationService.Privileges;

public enum PrivilegeObject
{
    Database,
    Schema,

    Table,
    View,
    MaterializedView,
    ForeignTable,
    Sequence,

    Function,

    /// <summary>Default privileges of what the worker's role creates later.</summary>
    FutureTables,
    FutureSequences,
    FutureFunctions,
    FutureTypes,

    FutureSchemas,
}

/// <summary>One row of the matrix: what the API role and PUBLIC hold on one object (named in schema public).</summary>
internal sealed record PrivilegeRule(PrivilegeObject Kind, string Name, IReadOnlyList<string> ApiRole, IReadOnlyList<string> Public)
{
    public const string CurrentDatabase = "";

    /// <summary>Every privilege of the kind: what is checked, and revoked when not declared.</summary>
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

    public static bool IsRelation(PrivilegeObject kind) =>
        kind is PrivilegeObject.Table or PrivilegeObject.View or PrivilegeObject.MaterializedView or PrivilegeObject.ForeignTable;

    public static IReadOnlyList<PrivilegeObject> FutureInSchema { get; } =
        [PrivilegeObject.FutureTables, PrivilegeObject.FutureSequences, PrivilegeObject.FutureFunctions, PrivilegeObject.FutureTypes];

    private static readonly string[] TablePrivileges = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];
}

/// <summary>One object privileges are held on; a routine named by its signature as oidvectortypes writes it.</summary>
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

internal sealed record PrivilegeFact(PrivilegeTarget Target, string Grantee, string Privilege)
{
    public const string Public = "PUBLIC";
}
