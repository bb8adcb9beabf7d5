namespace KennWilliamson.MigrationService.Privileges;

/// <summary>What one database has of what the matrix governs.</summary>
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
