namespace KennWilliamson.MigrationService.Privileges;

/// <summary>
/// What one database has of what the matrix speaks of: its name; every schema outside the system's
/// (pg_*, information_schema) and every relation, sequence and routine in them; which routines are
/// SECURITY DEFINER; whether the API role exists; and the server's version (server_version_num).
/// </summary>
internal sealed record PrivilegeInventory(
    string Database,
    IReadOnlyList<PrivilegeTarget> Objects,
    IReadOnlyList<PrivilegeTarget> SecurityDefiners,
    bool RoleExists,
    int ServerVersion)
{
    /// <summary>The schemas, in the order the inventory lists them.</summary>
    public IEnumerable<string> Schemas => Objects.Where(o => o.Kind == PrivilegeObject.Schema).Select(o => o.Schema);
}
