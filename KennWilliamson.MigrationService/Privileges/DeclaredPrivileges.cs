namespace KennWilliamson.MigrationService.Privileges;

/// <summary>
/// The matrix read against one database's inventory: which rule governs each object it has (none: nothing
/// for anyone; a table of schema public without a rule of its own takes
/// <see cref="PrivilegeMatrix.AnyOtherTable"/>), and what every grantee should then hold.
/// </summary>
internal static class DeclaredPrivileges
{
    /// <summary>
    /// Everything the matrix governs in the database, each with its rule or null (nothing declared): the
    /// database, every object of the inventory, each schema's default privileges and the database-wide
    /// ones for schemas.
    /// </summary>
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

    /// <summary>The rule of one object of the database, or null: objects outside schema public, and views, sequences and functions not named, get nothing.</summary>
    public static PrivilegeRule? RuleOf(PrivilegeTarget target, IReadOnlyList<PrivilegeRule> rules) => target.Kind switch
    {
        PrivilegeObject.Schema => Find(rules, PrivilegeObject.Schema, target.Schema),
        _ when target.Schema != PrivilegeMatrix.Schema => null,
        PrivilegeObject.Table => Find(rules, PrivilegeObject.Table, target.Name) ?? Find(rules, PrivilegeObject.Table, PrivilegeMatrix.AnyOtherTable),
        _ => Find(rules, target.Kind, target.Name),
    };

    /// <summary>PUBLIC, and the API role when it exists: a role that does not exist holds nothing to check.</summary>
    public static IReadOnlyList<string> Grantees(PrivilegeInventory inventory, string role) =>
        inventory.RoleExists ? [PrivilegeFact.Public, role] : [PrivilegeFact.Public];

    /// <summary>What the rule grants the grantee directly (the API role's own grants; it holds PUBLIC's besides).</summary>
    public static IReadOnlyList<string> Granted(PrivilegeRule? rule, string grantee) =>
        rule is null ? [] : grantee == PrivilegeFact.Public ? rule.Public : rule.ApiRole;

    /// <summary>
    /// Every privilege of every grantee on everything governed, held or not, as the matrix declares it. The
    /// API role's are what it holds in effect: its own and PUBLIC's, as has_table_privilege reports them.
    /// </summary>
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

    /// <summary>SECURITY DEFINER routines the matrix does not declare: they run as their owner, so the report names them for review.</summary>
    public static IReadOnlyList<PrivilegeTarget> UndeclaredSecurityDefiners(PrivilegeInventory inventory, IReadOnlyList<PrivilegeRule>? rules = null) =>
        [.. inventory.SecurityDefiners.Where(f => RuleOf(f, rules ?? PrivilegeMatrix.Rules) is null)
            .OrderBy(f => f.Schema, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal)];

    /// <summary>
    /// The differences between what the matrix declares and what the database holds, one phrase each
    /// ("kennwilliamson_app holds UPDATE on table audit_events, declared not to"), in a stable order.
    /// </summary>
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
