using System.Text.RegularExpressions;
using CsCheck;
using KennWilliamson.MigrationService.Privileges;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>
/// The worker's privilege matrix: the declaration itself, the GRANT/REVOKE statements made from it (run
/// through a model of PostgreSQL's ACLs and default ACLs), and the differences the check reports.
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class PrivilegeMatrixTests
{
    private const string Role = "kennwilliamson_app";
    private const string Public = PrivilegeMatrix.Schema;

    private static readonly string[] DeclaredTables =
        [.. PrivilegeMatrix.Rules.Where(r => r.Kind == PrivilegeObject.Table && r.Name != PrivilegeMatrix.AnyOtherTable).Select(r => r.Name)];

    private static readonly string[] DeclaredFunctions = [.. PrivilegeMatrix.Rules.Where(r => r.Kind == PrivilegeObject.Function).Select(r => r.Name)];

    private static readonly PrivilegeObject[] ObjectKinds =
    [
        PrivilegeObject.Table, PrivilegeObject.View, PrivilegeObject.MaterializedView, PrivilegeObject.ForeignTable,
        PrivilegeObject.Sequence, PrivilegeObject.Function,
    ];

    /// <summary>Any name PostgreSQL allows, declared ones and "public" among them, quotes and semicolons too.</summary>
    private static readonly Gen<string> Names = Gen.Frequency(
        (4, Gen.String[Gen.Char, 1, 16]),
        (1, Gen.OneOf<string>([Public, "monitoring", "a\"b", "x; DROP TABLE users", .. DeclaredTables])));

    /// <summary>One object in one of the schemas: a declared table or function often, an overload of a declared one now and then.</summary>
    private static Gen<PrivilegeTarget> ObjectIn(string[] schemas) => Gen.Select(
        Gen.OneOf(schemas),
        Gen.OneOf(ObjectKinds),
        Names,
        Gen.Frequency((2, Gen.OneOf(DeclaredFunctions)), (1, Gen.OneOf("slow_queries(bigint)", "uuid_generate_v7(text)", "run_as_owner(text)"))),
        Gen.Int[0, 2],
        (schema, kind, name, function, pick) => kind switch
        {
            PrivilegeObject.Function => new PrivilegeTarget(kind, schema, pick == 0 ? $"{name}(text)" : function),
            PrivilegeObject.Table when pick > 0 && DeclaredTables.Length > 0 => new PrivilegeTarget(kind, schema, DeclaredTables[name.Length % DeclaredTables.Length]),
            _ => new PrivilegeTarget(kind, schema, name),
        });

    /// <summary>A database as the worker may find it: public or not, other schemas, objects of every kind, some SECURITY DEFINER, the role or not.</summary>
    private static readonly Gen<PrivilegeInventory> Inventories =
        Gen.Select(Gen.Bool, Names.Array[0, 3], (withPublic, others) => (withPublic, others)).SelectMany(start =>
        {
            var (withPublic, others) = start;
            string[] schemas = [.. (withPublic ? others.Prepend(Public) : others).Distinct(StringComparer.Ordinal)];
            var objects = schemas.Length == 0 ? Gen.Const(Array.Empty<PrivilegeTarget>()) : ObjectIn(schemas).Array[0, 12];
            return Gen.Select(Gen.String[Gen.Char, 1, 20], objects, Gen.Bool.Array[12], Gen.Bool, Gen.OneOf(150000, 160004, 170002, 180001),
                (database, found, definer, roleExists, version) =>
                {
                    PrivilegeTarget[] distinct = [.. found.DistinctBy(o => (o.Kind == PrivilegeObject.Function, PrivilegeRule.IsRelation(o.Kind) || o.Kind == PrivilegeObject.Sequence, o.Schema, o.Name))];
                    return new PrivilegeInventory(database,
                        [.. schemas.Select(s => new PrivilegeTarget(PrivilegeObject.Schema, s, "")), .. distinct],
                        [.. distinct.Where((o, i) => o.Kind == PrivilegeObject.Function && definer[i % definer.Length])],
                        roleExists, version);
                });
        });

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
        Assert.DoesNotContain(PrivilegeMatrix.Rules, r => r.Kind != PrivilegeObject.Table && r.Name == PrivilegeMatrix.AnyOtherTable);
        // Signatures as oidvectortypes writes them, so a declared routine matches the database's exactly.
        Assert.All(DeclaredFunctions, f => Assert.Matches(@"^[a-z_][a-z0-9_]*\(([a-z ]+(, [a-z ]+)*)?\)$", f));
    }

    [Fact]
    public void The_api_role_may_append_to_the_audit_trail_read_the_history_and_run_three_functions_and_nothing_more()
    {
        PrivilegeRule Rule(PrivilegeObject kind, string name) => PrivilegeMatrix.Rules.Single(r => r.Kind == kind && r.Name == name);

        Assert.Equal(["SELECT", "INSERT"], Rule(PrivilegeObject.Table, "audit_events").ApiRole);
        Assert.Equal(["SELECT"], Rule(PrivilegeObject.Table, "__EFMigrationsHistory").ApiRole);
        Assert.Empty(Rule(PrivilegeObject.Table, "_sqlx_migrations").ApiRole);
        Assert.Equal(["SELECT", "INSERT", "UPDATE", "DELETE"], Rule(PrivilegeObject.Table, PrivilegeMatrix.AnyOtherTable).ApiRole);
        // The id columns' default and the slow-queries window (that overload only); no trigger function (a trigger
        // needs no EXECUTE).
        Assert.Equal(["slow_queries(integer)", "uuid_generate_v7()"],
            DeclaredFunctions.Order(StringComparer.Ordinal));
        Assert.All(PrivilegeMatrix.Rules.Where(r => r.Kind == PrivilegeObject.Function), r => Assert.Equal(["EXECUTE"], r.ApiRole));
        // Nothing for views, sequences, other schemas, or what is created later but tables of public.
        Assert.Equal([(PrivilegeObject.Schema, Public), (PrivilegeObject.FutureTables, Public)],
            PrivilegeMatrix.Rules.Where(r => r.Kind is PrivilegeObject.Schema or >= PrivilegeObject.FutureTables).Select(r => (r.Kind, r.Name)));
        Assert.DoesNotContain(PrivilegeMatrix.Rules, r => r.Kind is PrivilegeObject.View or PrivilegeObject.MaterializedView or PrivilegeObject.ForeignTable or PrivilegeObject.Sequence);
        Assert.All(PrivilegeMatrix.Rules.Where(r => r.Kind != PrivilegeObject.Schema), r => Assert.Empty(r.Public));
    }

    [Fact]
    public void Only_tables_of_public_take_the_rule_for_other_tables_and_what_no_rule_names_gets_nothing() =>
        Inventories.Sample(inventory =>
        {
            var expected = DeclaredPrivileges.Expected(inventory, Role);
            foreach (var target in inventory.Objects)
            {
                var held = expected.Where(e => e.Key.Target == target && e.Value).Select(e => $"{e.Key.Grantee} {e.Key.Privilege}").Order(StringComparer.Ordinal);
                var named = PrivilegeMatrix.Rules.Any(r => r.Kind == target.Kind && r.Name == (target.Kind == PrivilegeObject.Schema ? target.Schema : target.Name));
                string[] declared = target switch
                {
                    { Schema: not Public, Kind: not PrivilegeObject.Schema } => [],
                    { Kind: PrivilegeObject.Table } when !named => inventory.RoleExists ? [$"{Role} DELETE", $"{Role} INSERT", $"{Role} SELECT", $"{Role} UPDATE"] : [],
                    _ when !named => [],
                    _ => [.. held],
                };
                Assert.True(declared.SequenceEqual(held), $"{target.Describe()}: [{string.Join(", ", held)}]");
            }
        });

    [Fact]
    public void The_statements_turn_any_starting_privileges_into_exactly_the_declared_ones() =>
        Gen.Select(Inventories, Gen.Bool.Array[997]).Sample((inventory, start) =>
        {
            var expected = DeclaredPrivileges.Expected(inventory, Role);
            var model = new AclModel(inventory);
            var i = 0;
            bool Next() => start[i++ % start.Length];
            // Whatever each grantee held before, directly and by default ACLs, global and per schema: a
            // restore's default privileges, a dump's ALTER DEFAULT PRIVILEGES, a grant by hand.
            foreach (var fact in expected.Keys.Where(_ => Next()))
            {
                model.Hold(fact, fromGlobalDefault: Next());
            }

            foreach (var statement in PrivilegeStatements.For(inventory, Role))
            {
                model.Apply(statement);
            }

            var actual = expected.Keys.ToDictionary(f => f, model.Holds);
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
                var phrase = $"{fact.Grantee} {(actual[fact] ? "holds" : "lacks")} {fact.Privilege} on {fact.Target.Describe()}, declared {(actual[fact] ? "not to" : "to")}";
                Assert.Single(differences, d => d == phrase);
            }
        });

    [Fact]
    public void The_check_covers_every_object_of_every_schema_and_the_default_privileges_of_each_kind() =>
        Inventories.Sample(inventory =>
        {
            var targets = DeclaredPrivileges.Expected(inventory, Role).Keys.Select(f => f.Target).ToHashSet();

            Assert.Subset(targets, inventory.Objects.ToHashSet());
            foreach (var schema in inventory.Schemas)
            {
                Assert.All(PrivilegeRule.FutureInSchema, kind => Assert.Contains(new PrivilegeTarget(kind, schema, ""), targets));
            }
            Assert.Contains(new PrivilegeTarget(PrivilegeObject.FutureSchemas, "", ""), targets);
            Assert.Contains(new PrivilegeTarget(PrivilegeObject.Database, "", inventory.Database), targets);
        });

    [Fact]
    public void Without_the_role_only_PUBLIC_is_granted_to_and_checked() =>
        Inventories.Select(i => i with { RoleExists = false }).Sample(inventory =>
        {
            Assert.All(PrivilegeStatements.For(inventory, Role), s => Assert.EndsWith(" PUBLIC", s, StringComparison.Ordinal));
            Assert.All(DeclaredPrivileges.Expected(inventory, Role).Keys, f => Assert.Equal(PrivilegeFact.Public, f.Grantee));
        });

    [Fact]
    public void Undeclared_security_definer_routines_are_named_in_the_report_and_declared_ones_are_not() =>
        Inventories.Sample(inventory =>
        {
            var named = DeclaredPrivileges.UndeclaredSecurityDefiners(inventory);
            var summary = new PrivilegeCheckResult(Role, 1, inventory.RoleExists, named).Summary;

            foreach (var function in inventory.SecurityDefiners)
            {
                var declared = function.Schema == Public && DeclaredFunctions.Contains(function.Name);
                Assert.Equal(!declared, named.Contains(function));
            }
            Assert.Equal(named.Count > 0, summary.Contains("SECURITY DEFINER", StringComparison.Ordinal));
            Assert.All(named, f => Assert.Contains(f.Describe(), summary, StringComparison.Ordinal));
        });

    /// <summary>
    /// PostgreSQL's privileges as far as the statements touch them: each object's ACL per grantee, and the
    /// worker role's default ACLs, database-wide and per schema. An object created later takes the union
    /// of the two. A statement of any other form, or on something the database does not have, fails.
    /// </summary>
    private sealed partial class AclModel(PrivilegeInventory inventory)
    {
        private readonly Dictionary<(PrivilegeTarget, string), HashSet<string>> _direct = [];
        private readonly Dictionary<(PrivilegeObject Kind, string? Schema, string Grantee), HashSet<string>> _defaults = [];

        public void Hold(PrivilegeFact fact, bool fromGlobalDefault)
        {
            var set = fact.Target.Kind switch
            {
                >= PrivilegeObject.FutureTables when fromGlobalDefault || fact.Target.Kind == PrivilegeObject.FutureSchemas => Defaults(fact.Target.Kind, null, fact.Grantee),
                >= PrivilegeObject.FutureTables => Defaults(fact.Target.Kind, fact.Target.Schema, fact.Grantee),
                _ => Direct(fact.Target, fact.Grantee),
            };
            set.Add(fact.Privilege);
        }

        /// <summary>What a grantee holds in effect: its own, and PUBLIC's.</summary>
        public bool Holds(PrivilegeFact fact) => HeldBy(fact, fact.Grantee) || HeldBy(fact, PrivilegeFact.Public);

        private bool HeldBy(PrivilegeFact fact, string grantee) => fact.Target.Kind >= PrivilegeObject.FutureTables
            ? Defaults(fact.Target.Kind, null, grantee).Contains(fact.Privilege)
              || (fact.Target.Kind != PrivilegeObject.FutureSchemas && Defaults(fact.Target.Kind, fact.Target.Schema, grantee).Contains(fact.Privilege))
            : Direct(fact.Target, grantee).Contains(fact.Privilege);

        public void Apply(string statement)
        {
            var m = StatementPattern().Match(statement);
            Assert.True(m.Success, $"not a statement of the expected form: {statement}");
            var grantee = m.Groups["to"].Value == "PUBLIC" ? PrivilegeFact.Public : Unquote(m.Groups["to"].Value);
            Assert.True(grantee == PrivilegeFact.Public || (grantee == Role && inventory.RoleExists), $"grants to {grantee}: {statement}");
            var on = m.Groups["on"].Value;
            List<HashSet<string>> sets = m.Groups["defaults"].Success
                ? [DefaultsOf(m, on, grantee, statement)]
                : [.. ObjectsOf(on, statement).Select(t => Direct(t, grantee))];
            foreach (var set in sets)
            {
                if (m.Groups["revoke"].Success)
                {
                    set.Clear();
                }
                else
                {
                    set.UnionWith(m.Groups["privileges"].Value.Split(", "));
                }
            }
        }

        private HashSet<string> DefaultsOf(Match m, string on, string grantee, string statement)
        {
            var kind = on switch
            {
                "TABLES" => PrivilegeObject.FutureTables,
                "SEQUENCES" => PrivilegeObject.FutureSequences,
                "FUNCTIONS" or "ROUTINES" => PrivilegeObject.FutureFunctions,
                "TYPES" => PrivilegeObject.FutureTypes,
                "SCHEMAS" => PrivilegeObject.FutureSchemas,
                _ => throw new InvalidOperationException($"unknown default privileges in: {statement}"),
            };
            if (!m.Groups["schema"].Success)
            {
                return Defaults(kind, null, grantee);
            }
            var schema = Unquote(m.Groups["schema"].Value);
            // PostgreSQL refuses ALTER DEFAULT PRIVILEGES IN SCHEMA ... ON SCHEMAS, and a schema it does not have.
            Assert.True(kind != PrivilegeObject.FutureSchemas && inventory.Schemas.Contains(schema), $"not possible: {statement}");
            return Defaults(kind, schema, grantee);
        }

        private List<PrivilegeTarget> ObjectsOf(string on, string statement)
        {
            var o = OnPattern().Match(on);
            Assert.True(o.Success, $"unknown object in: {statement}");
            var schema = o.Groups["schema"].Success ? Unquote(o.Groups["schema"].Value) : null;
            Assert.True(schema is null || inventory.Schemas.Contains(schema), $"a schema the database does not have: {statement}");
            var name = o.Groups["name"].Success ? Unquote(o.Groups["name"].Value) : o.Groups["signature"].Value;
            List<PrivilegeTarget> targets = o.Groups["kind"].Value switch
            {
                "DATABASE" when name == inventory.Database => [new(PrivilegeObject.Database, "", name)],
                "SCHEMA" => [new(PrivilegeObject.Schema, schema!, "")],
                // ALL TABLES takes every relation but sequences; ALL ROUTINES every routine.
                "ALL TABLES" => [.. inventory.Objects.Where(t => t.Schema == schema && PrivilegeRule.IsRelation(t.Kind))],
                "ALL SEQUENCES" => [.. inventory.Objects.Where(t => t.Schema == schema && t.Kind == PrivilegeObject.Sequence)],
                "ALL ROUTINES" => [.. inventory.Objects.Where(t => t.Schema == schema && t.Kind == PrivilegeObject.Function)],
                "TABLE" => [.. inventory.Objects.Where(t => t.Schema == schema && t.Name == name && PrivilegeRule.IsRelation(t.Kind))],
                "SEQUENCE" => [.. inventory.Objects.Where(t => t.Schema == schema && t.Name == name && t.Kind == PrivilegeObject.Sequence)],
                "ROUTINE" => [.. inventory.Objects.Where(t => t.Schema == schema && t.Name == name && t.Kind == PrivilegeObject.Function)],
                _ => [],
            };
            Assert.True(targets.Count > 0 || o.Groups["kind"].Value.StartsWith("ALL ", StringComparison.Ordinal), $"a statement on what the database does not have: {statement}");
            return targets;
        }

        private HashSet<string> Direct(PrivilegeTarget target, string grantee) =>
            _direct.TryGetValue((target, grantee), out var set) ? set : _direct[(target, grantee)] = new HashSet<string>(StringComparer.Ordinal);

        private HashSet<string> Defaults(PrivilegeObject kind, string? schema, string grantee) =>
            _defaults.TryGetValue((kind, schema, grantee), out var set) ? set : _defaults[(kind, schema, grantee)] = new HashSet<string>(StringComparer.Ordinal);

        private static string Unquote(string quoted) => quoted[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal);

        private const string Quoted = "\"(?:[^\"]|\"\")*\"";

        [GeneratedRegex($@"^(?:(?<defaults>ALTER DEFAULT PRIVILEGES )(?:IN SCHEMA (?<schema>{Quoted}) )?)?(?:(?<revoke>REVOKE ALL)|GRANT (?<privileges>[A-Z]+(?:, [A-Z]+)*)) ON (?<on>.+) (?:FROM|TO) (?<to>PUBLIC|{Quoted})$", RegexOptions.Singleline)]
        private static partial Regex StatementPattern();

        [GeneratedRegex($@"^(?:(?<kind>DATABASE) (?<name>{Quoted})|(?<kind>SCHEMA) (?<schema>{Quoted})|(?<kind>ALL (?:TABLES|SEQUENCES|ROUTINES)) IN SCHEMA (?<schema>{Quoted})|(?<kind>TABLE|SEQUENCE) (?<schema>{Quoted})\.(?<name>{Quoted})|(?<kind>ROUTINE) (?<schema>{Quoted})\.(?<signature>[a-z_][a-z0-9_]*\([a-z ,]*\)))$", RegexOptions.Singleline)]
        private static partial Regex OnPattern();
    }
}
