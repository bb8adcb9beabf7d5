namespace KennWilliamson.MigrationService.Privileges;

/// <summary>
/// The matrix read against one database's inventory: which rule governs each object it has (a declared
/// table or function that is absent is skipped; a table without a rule of its own takes
/// <see cref="PrivilegeMatrix.AnyOtherTable"/>), and what every grantee should then hold.
/// </summary>
internal static class DeclaredPrivileges
{
    /// <summary>Each object of the database the matrix governs, with its name there and its rule.</summary>
    public static IEnumerable<(PrivilegeObject Kind, string Name, PrivilegeRule Rule)> Objects(PrivilegeInventory inventory, IReadOnlyList<PrivilegeRule> rules)
    {
        foreach (var rule in rules)
        {
            switch (rule.Kind)
            {
                case PrivilegeObject.Database:
                    yield return (rule.Kind, inventory.Database, rule);
                    break;
                case PrivilegeObject.Schema or PrivilegeObject.FutureTables:
                    yield return (rule.Kind, rule.Name, rule);
                    break;
                case PrivilegeObject.Function when inventory.Functions.Contains(rule.Name, StringComparer.Ordinal):
                    yield return (rule.Kind, rule.Name, rule);
                    break;
            }
        }
        var tables = rules.Where(r => r.Kind == PrivilegeObject.Table).ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var table in inventory.Tables)
        {
            yield return (PrivilegeObject.Table, table,
                tables.GetValueOrDefault(table) ?? tables.GetValueOrDefault(PrivilegeMatrix.AnyOtherTable)
                ?? throw new InvalidOperationException("The privilege matrix has no rule for tables it does not name."));
        }
    }

    /// <summary>PUBLIC, and the API role when it exists: a role that does not exist holds nothing to check.</summary>
    public static IReadOnlyList<string> Grantees(PrivilegeInventory inventory, string role) =>
        inventory.RoleExists ? [PrivilegeFact.Public, role] : [PrivilegeFact.Public];

    /// <summary>
    /// Every privilege of every grantee on every object, held or not, as the matrix declares it. The API
    /// role's are what it holds in effect: its own and PUBLIC's, as has_table_privilege reports them.
    /// </summary>
    public static Dictionary<PrivilegeFact, bool> Expected(PrivilegeInventory inventory, string role, IReadOnlyList<PrivilegeRule>? rules = null)
    {
        var expected = new Dictionary<PrivilegeFact, bool>();
        foreach (var (kind, name, rule) in Objects(inventory, rules ?? PrivilegeMatrix.Rules))
        {
            foreach (var grantee in Grantees(inventory, role))
            {
                var held = grantee == PrivilegeFact.Public ? rule.Public : rule.ApiRole.Union(rule.Public);
                foreach (var privilege in PrivilegeRule.All(kind, inventory.ServerVersion))
                {
                    expected[new(kind, name, grantee, privilege)] = held.Contains(privilege, StringComparer.Ordinal);
                }
            }
        }
        return expected;
    }

    /// <summary>
    /// The differences between what the matrix declares and what the database holds, one phrase each
    /// ("kennwilliamson_app holds UPDATE on table audit_events, declared not to"), in a stable order.
    /// </summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<PrivilegeFact, bool> expected, IReadOnlyDictionary<PrivilegeFact, bool> actual) =>
        [.. expected.Keys.Union(actual.Keys)
            .Where(fact => expected.GetValueOrDefault(fact) != actual.GetValueOrDefault(fact))
            .OrderBy(fact => fact.Kind).ThenBy(fact => fact.Object, StringComparer.Ordinal)
            .ThenBy(fact => fact.Grantee, StringComparer.Ordinal).ThenBy(fact => fact.Privilege, StringComparer.Ordinal)
            .Select(fact => actual.GetValueOrDefault(fact)
                ? $"{fact.Grantee} holds {fact.Privilege} on {PrivilegeFact.Describe(fact.Kind, fact.Object)}, declared not to"
                : $"{fact.Grantee} lacks {fact.Privilege} on {PrivilegeFact.Describe(fact.Kind, fact.Object)}, declared to")];
}
