namespace KennWilliamson.MigrationService.Privileges;

/// <summary>The kinds of object the privilege matrix speaks of.</summary>
public enum PrivilegeObject
{
    Database,
    Schema,
    Table,
    Function,

    /// <summary>The default privileges of tables the worker's role creates later in a schema.</summary>
    FutureTables,
}

/// <summary>
/// One row of the privilege matrix: the privileges the API role and PUBLIC hold on one object (a table's
/// name, a function's signature, a schema's name; <see cref="CurrentDatabase"/> for the database).
/// </summary>
internal sealed record PrivilegeRule(PrivilegeObject Kind, string Name, IReadOnlyList<string> ApiRole, IReadOnlyList<string> Public)
{
    public const string CurrentDatabase = "";

    /// <summary>Every privilege PostgreSQL has for the kind of object: what the check reads and what is revoked when not declared.</summary>
    public static IReadOnlyList<string> All(PrivilegeObject kind, int serverVersion) => kind switch
    {
        PrivilegeObject.Database => ["CONNECT", "CREATE", "TEMPORARY"],
        PrivilegeObject.Schema => ["USAGE", "CREATE"],
        PrivilegeObject.Function => ["EXECUTE"],
        // MAINTAIN (VACUUM, ANALYZE, REFRESH, ...) is a table privilege from PostgreSQL 17 on.
        _ => serverVersion >= 170000 ? [.. TablePrivileges, "MAINTAIN"] : TablePrivileges,
    };

    private static readonly string[] TablePrivileges = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];
}

/// <summary>One privilege of one grantee (the API role, or PUBLIC) on one object.</summary>
internal sealed record PrivilegeFact(PrivilegeObject Kind, string Object, string Grantee, string Privilege)
{
    public const string Public = "PUBLIC";

    public static string Describe(PrivilegeObject kind, string name) => kind switch
    {
        PrivilegeObject.FutureTables => $"tables created later in schema {name}",
        _ => $"{kind.ToString().ToLowerInvariant()} {name}",
    };
}

/// <summary>
/// What the database has of what the matrix speaks of: its name, the tables of schema public, which of
/// the declared functions exist, whether the API role exists, and the server's version (server_version_num).
/// </summary>
internal sealed record PrivilegeInventory(string Database, IReadOnlyList<string> Tables, IReadOnlyList<string> Functions, bool RoleExists, int ServerVersion);
