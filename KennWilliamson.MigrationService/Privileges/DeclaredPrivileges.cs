namespace KennWilliamson.MigrationService.Privileges;

/// <summary>The matrix read against one database's inventory: each object's rule and what every grantee should hold.</summary>
internal static class DeclaredPrivileges
{
    public static IEnumerable<(PrivilegeTarget Target, PrivilegeRule? Rule)> Governed(PrivilegeInventory inventory, IReadOnlyList<PrivilegeRule> rules)
    {
        yield return (new(PrivilegeObject.Database, "", inventory.Database), Find(rules, PrivilegeObject.Database, PrivilegeRule.CurrentDatabase));
        foreach (var target in inventory.Objects)
        {
            yield return (target, RuleOf(target, rules));
        }
        foreach (var schema in inventory.Schemas)
        {
            foreach (var kind in PrivilegeRule.FutureInSchema)
            {
                yield return (new(kind, schema, ""), Find(rules, kind, schema));
            }
        }
        yield return (new(PrivilegeObject.FutureSchemas, "", ""), Find(rules, PrivilegeObject.FutureSchemas, ""));
    }

    public static PrivilegeRule? RuleOf(PrivilegeTarget target, IReadOnlyList<PrivilegeRule> rules) => target.Kind switch
    {
        PrivilegeObject.Schema => Find(rules, PrivilegeObject.Schema, target.Schema),
        _ when target.Schema != PrivilegeMatrix.Schema => null,
        PrivilegeObject.Table => Find(rules, PrivilegeObject.Table, target.Name) ?? Find(rules, PrivilegeObject.Table, PrivilegeMatrix.AnyOtherTable),
        _ => Find(rules, target.Kind, target.Name),
    };

    public static IReadOnlyList<string> Grantees(PrivilegeInventory inventory, string role) =>
        inventory.RoleExists ? [PrivilegeFact.Public, role] : [PrivilegeFact.Public];

    public static IReadOnlyList<string> Granted(PrivilegeRule? rule, string grantee) =>
        rule is null ? [] : grantee == PrivilegeFact.Public ? rule.Public : rule.ApiRole;

    /// <summary>Every declared privilege; the API role's include PUBLIC's, as has_table_privilege reports.</summary>
    public static Dictionary<PrivilegeFact, bool> Expected(PrivilegeInventory inventory, string role, IReadOnlyList<PrivilegeRule>? rules = null)
    {
        var expected = new Dictionary<PrivilegeFact, bool>();
        foreach (var (target, rule) in Governed(inventory, rules ?? PrivilegeMatrix.Rules))
        {
            foreach (var grantee in Grantees(inventory, role))
            {
                var held = grantee == PrivilegeFact.Public ? Granted(rule, grantee) : Granted(rule, grantee).Union(Granted(rule, PrivilegeFact.Public));
                foreach (var privilege in PrivilegeRule.All(target.Kind, inventory.ServerVersion))
                {
                    expected[new(target, grantee, privilege)] = held.Contains(privilege, StringComparer.Ordinal);
                }
            }
        }
        return expected;
    }

    public static IReadOnlyList<PrivilegeTarget> UndeclaredSecurityDefiners(PrivilegeInventory inventory, IReadOnlyList<PrivilegeRule>? rules = null) =>
        [.. inventory.SecurityDefiners.Where(f => RuleOf(f, rules ?? PrivilegeMatrix.Rules) is null)
            .OrderBy(f => f.Schema, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal)];

    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<PrivilegeFact, bool> expected, IReadOnlyDictionary<PrivilegeFact, bool> actual) =>
        [.. expected.Keys.Union(actual.Keys)
            .Where(fact => expected.GetValueOrDefault(fact) != actual.GetValueOrDefault(fact))
            .OrderBy(fact => fact.Target.Kind).ThenBy(fact => fact.Target.Schema, StringComparer.Ordinal)
            .ThenBy(fact => fact.Target.Name, StringComparer.Ordinal)
            .ThenBy(fact => fact.Grantee, StringComparer.Ordinal).ThenBy(fact => fact.Privilege, StringComparer.Ordinal)
            .Select(fact => actual.GetValueOrDefault(fact)
                ? $"{fact.Grantee} holds {fact.Privilege} on {fact.Target.Describe()}, declared not to"
                : $"{fact.Grantee} lacks {fact.Privilege} on {fact.Target.Describe()}, declared to")];

    private static PrivilegeRule? Find(IReadOnlyList<PrivilegeRule> rules, PrivilegeObject kind, string name) =>
        rules.FirstOrDefault(r => r.Kind == kind && string.Equals(r.Name, name, StringComparison.Ordinal));
}
