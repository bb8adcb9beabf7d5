using System.Text.RegularExpressions;
using CsCheck;
using KennWilliamson.MigrationService.Privileges;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>
/// The worker's privilege matrix: the declaration itself, the GRANT/REVOKE statements made from it (run
/// through a model of PostgreSQL's ACLs), and the differences the check reports.
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class PrivilegeMatrixTests
{
    private const string Role = "kennwilliamson_app";

    private static readonly string[] DeclaredTables =
        [.. PrivilegeMatrix.Rules.Where(r => r.Kind == PrivilegeObject.Table && r.Name != PrivilegeMatrix.AnyOtherTable).Select(r => r.Name)];

    private static readonly string[] DeclaredFunctions = [.. PrivilegeMatrix.Rules.Where(r => r.Kind == PrivilegeObject.Function).Select(r => r.Name)];

    /// <summary>A database as the worker may find it: some declared tables, others of any name, some declared functions, the role or not.</summary>
    private static readonly Gen<PrivilegeInventory> Inventories = Gen.Select(
        Gen.String[Gen.Char, 1, 20],
        Gen.Bool.Array[DeclaredTables.Length],
        Gen.String[Gen.Char, 1, 20].Array[0, 6],
        Gen.Bool.Array[DeclaredFunctions.Length],
        Gen.Bool,
        Gen.OneOf(150000, 160004, 170002, 180001),
        (database, declared, others, functions, roleExists, version) => new PrivilegeInventory(database,
            [.. DeclaredTables.Where((_, i) => declared[i]).Concat(others).Distinct(StringComparer.Ordinal)],
            [.. DeclaredFunctions.Where((_, i) => functions[i])], roleExists, version));

    [Fact]
    public void Every_rule_names_only_privileges_of_its_kind_and_PUBLIC_holds_nothing_the_api_role_lacks()
    {
        Assert.All(PrivilegeMatrix.Rules, rule =>
        {
            var known = PrivilegeRule.All(rule.Kind, 170000);
            Assert.All(rule.ApiRole.Concat(rule.Public), p => Assert.Contains(p, known));
            Assert.Subset(rule.ApiRole.ToHashSet(StringComparer.Ordinal), rule.Public.ToHashSet(StringComparer.Ordinal));
            // MAINTAIN is unknown before PostgreSQL 17: a rule granting it could not be applied there.
            Assert.DoesNotContain("MAINTAIN", rule.ApiRole.Concat(rule.Public));
        });
        Assert.Equal(PrivilegeMatrix.Rules.Count, PrivilegeMatrix.Rules.DistinctBy(r => (r.Kind, r.Name)).Count());
        Assert.Single(PrivilegeMatrix.Rules, r => r.Kind == PrivilegeObject.Database);
        Assert.Single(PrivilegeMatrix.Rules, r => r.Kind == PrivilegeObject.Table && r.Name == PrivilegeMatrix.AnyOtherTable);
        Assert.All(DeclaredFunctions, f => Assert.Matches(@"^[a-z_][a-z0-9_]*\([a-z ,]*\)$", f));
    }

    [Fact]
    public void The_api_role_may_append_to_the_audit_trail_and_read_the_history_and_nothing_more()
    {
        PrivilegeRule Table(string name) => PrivilegeMatrix.Rules.Single(r => r.Kind == PrivilegeObject.Table && r.Name == name);

        Assert.Equal(["SELECT", "INSERT"], Table("audit_events").ApiRole);
        Assert.Equal(["SELECT"], Table("__EFMigrationsHistory").ApiRole);
        Assert.Empty(Table("_sqlx_migrations").ApiRole);
        Assert.Equal(["SELECT", "INSERT", "UPDATE", "DELETE"], Table(PrivilegeMatrix.AnyOtherTable).ApiRole);
        Assert.All(PrivilegeMatrix.Rules.Where(r => r.Kind is PrivilegeObject.Table or PrivilegeObject.Function or PrivilegeObject.Database), r => Assert.Empty(r.Public));
    }

    [Fact]
    public void The_statements_turn_any_starting_privileges_into_exactly_the_declared_ones() =>
        Gen.Select(Inventories, Gen.Bool.Array[512]).Sample((inventory, start) =>
        {
            var expected = DeclaredPrivileges.Expected(inventory, Role);
            // Whatever each grantee held before, directly: a restore's default privileges, a grant by hand.
            var direct = new Dictionary<(PrivilegeObject, string, string), HashSet<string>>();
            var i = 0;
            foreach (var fact in expected.Keys)
            {
                var held = direct.TryGetValue((fact.Kind, fact.Object, fact.Grantee), out var set) ? set
                    : direct[(fact.Kind, fact.Object, fact.Grantee)] = new HashSet<string>(StringComparer.Ordinal);
                if (start[i++ % start.Length])
                {
                    held.Add(fact.Privilege);
                }
            }

            foreach (var statement in PrivilegeStatements.For(inventory, Role))
            {
                Apply(statement, inventory, direct);
            }

            bool Holds(PrivilegeFact f, string grantee) => direct.TryGetValue((f.Kind, f.Object, grantee), out var set) && set.Contains(f.Privilege);
            var actual = expected.Keys.ToDictionary(f => f, f => Holds(f, f.Grantee) || Holds(f, PrivilegeFact.Public));
            Assert.Empty(DeclaredPrivileges.Differences(expected, actual));
        }, iter: 2_000);

    [Fact]
    public void The_check_names_each_privilege_that_differs_once_and_nothing_else() =>
        Gen.Select(Inventories, Gen.Int[0, 1_000].Array[0, 8]).Sample((inventory, picks) =>
        {
            var expected = DeclaredPrivileges.Expected(inventory, Role);
            var facts = expected.Keys.ToArray();
            var flipped = picks.Select(p => facts[p % facts.Length]).ToHashSet();
            var actual = expected.ToDictionary(e => e.Key, e => flipped.Contains(e.Key) ? !e.Value : e.Value);

            var differences = DeclaredPrivileges.Differences(expected, actual);

            Assert.Equal(flipped.Count, differences.Count);
            foreach (var fact in flipped)
            {
                var phrase = $"{fact.Grantee} {(actual[fact] ? "holds" : "lacks")} {fact.Privilege} on {PrivilegeFact.Describe(fact.Kind, fact.Object)}, declared {(actual[fact] ? "not to" : "to")}";
                Assert.Single(differences, d => d == phrase);
            }
        });

    [Fact]
    public void Without_the_role_only_PUBLIC_is_granted_to_and_checked() =>
        Inventories.Select(i => i with { RoleExists = false }).Sample(inventory =>
        {
            Assert.All(PrivilegeStatements.For(inventory, Role), s => Assert.Equal("PUBLIC", StatementPattern().Match(s).Groups["to"].Value));
            Assert.All(DeclaredPrivileges.Expected(inventory, Role).Keys, f => Assert.Equal(PrivilegeFact.Public, f.Grantee));
        });

    /// <summary>One statement on a model of the grantees' direct privileges: REVOKE ALL empties them, GRANT adds.</summary>
    private static void Apply(string statement, PrivilegeInventory inventory, Dictionary<(PrivilegeObject, string, string), HashSet<string>> direct)
    {
        var m = StatementPattern().Match(statement);
        Assert.True(m.Success, $"not a statement of the expected form: {statement}");
        var grantee = m.Groups["to"].Value == "PUBLIC" ? PrivilegeFact.Public : Unquote(m.Groups["to"].Value);
        Assert.True(grantee == PrivilegeFact.Public || (grantee == Role && inventory.RoleExists), $"grants to {grantee}: {statement}");
        var on = m.Groups["on"].Value;
        (PrivilegeObject Kind, string Name) target = m.Groups["schema"].Success
            ? (on == "TABLES" ? (PrivilegeObject.FutureTables, Unquote(m.Groups["schema"].Value)) : throw new InvalidOperationException(statement))
            : OnPattern().Match(on) is { Success: true } o
                ? (o.Groups["kind"].Value switch
                {
                    "DATABASE" => PrivilegeObject.Database,
                    "SCHEMA" => PrivilegeObject.Schema,
                    "TABLE" => PrivilegeObject.Table,
                    _ => PrivilegeObject.Function,
                }, o.Groups["function"].Success ? o.Groups["function"].Value : Unquote(o.Groups["name"].Value))
                : throw new InvalidOperationException($"unknown object in: {statement}");
        var present = target.Kind switch
        {
            PrivilegeObject.Database => target.Name == inventory.Database,
            PrivilegeObject.Table => inventory.Tables.Contains(target.Name),
            PrivilegeObject.Function => inventory.Functions.Contains(target.Name),
            _ => target.Name == "public",
        };
        Assert.True(present, $"a statement on what the database does not have: {statement}");
        var key = (target.Kind, target.Name, grantee);
        if (!direct.TryGetValue(key, out var held))
        {
            direct[key] = held = new HashSet<string>(StringComparer.Ordinal);
        }
        if (m.Groups["revoke"].Success)
        {
            held.Clear();
        }
        else
        {
            held.UnionWith(m.Groups["privileges"].Value.Split(", "));
        }
    }

    private static string Unquote(string quoted) => quoted[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal);

    private const string Quoted = "\"(?:[^\"]|\"\")*\"";

    [GeneratedRegex($@"^(?:ALTER DEFAULT PRIVILEGES IN SCHEMA (?<schema>{Quoted}) )?(?:(?<revoke>REVOKE ALL)|GRANT (?<privileges>[A-Z]+(?:, [A-Z]+)*)) ON (?<on>.+) (?:FROM|TO) (?<to>PUBLIC|{Quoted})$", RegexOptions.Singleline)]
    private static partial Regex StatementPattern();

    [GeneratedRegex($@"^(?:(?<kind>DATABASE|SCHEMA) (?<name>{Quoted})|(?<kind>TABLE) public\.(?<name>{Quoted})|(?<kind>FUNCTION) public\.(?<function>[a-z_][a-z0-9_]*\([a-z ,]*\)))$", RegexOptions.Singleline)]
    private static partial Regex OnPattern();
}
