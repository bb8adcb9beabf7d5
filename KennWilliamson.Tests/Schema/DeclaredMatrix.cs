using KennWilliamson.MigrationService.Privileges;
using Npgsql;

namespace KennWilliamson.Tests.Schema;

/// <summary>
/// The privileges a database grants the API role and PUBLIC, read with the test's own SQL, set against
/// what the worker declares (<see cref="PrivilegeMatrix.Rules"/>, read from the worker's assembly, so
/// the declaration is not restated here). Each privilege held is one line: "table public.audit_events
/// kennwilliamson_app UPDATE". Read: the database, every schema but the system's, every relation,
/// sequence and routine in them, and the default privileges of the connected (worker's) role.
/// </summary>
internal static class DeclaredMatrix
{
    public const string AppRole = "kennwilliamson_app";

    private const string Schemas = """
        schemas AS (SELECT oid, nspname::text AS name FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema')
        """;

    public static async Task AssertEqualAsync(NpgsqlConnection connection, string after, string role = AppRole)
    {
        Assert.True(await connection.ScalarAsync<bool>("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)", role), $"no role {role}");
        var held = await HeldAsync(connection, role);
        var declared = await DeclaredAsync(connection, role);
        var extra = held.Except(declared).ToList();
        var missing = declared.Except(held).ToList();
        Assert.True(extra.Count == 0 && missing.Count == 0,
            $"After {after}: held but not declared [{string.Join(", ", extra)}]; declared but not held [{string.Join(", ", missing)}]");
    }

    /// <summary>Every privilege the database grants on what the matrix governs, as has_*_privilege and the default ACLs say.</summary>
    public static async Task<SortedSet<string>> HeldAsync(NpgsqlConnection connection, string role = AppRole) =>
        new(await connection.ColumnAsync<string>($$"""
            WITH {{Schemas}},
                 grantee(name, shown) AS (VALUES ('public'::text, 'PUBLIC'::text), ($1::text, $1::text)),
                 table_privilege(p) AS (SELECT unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']
                     || CASE WHEN current_setting('server_version_num')::int >= 170000 THEN ARRAY['MAINTAIN'] ELSE ARRAY[]::text[] END)),
                 me AS (SELECT oid FROM pg_roles WHERE rolname = current_user),
                 -- What an object the connected role creates later takes: the database-wide default ACL (or
                 -- the built-in one) and its schema's.
                 future(kind, schema, acl) AS (
                     SELECT k.kind, s.name,
                            coalesce((SELECT defaclacl FROM pg_default_acl, me WHERE defaclrole = me.oid AND defaclnamespace = 0 AND defaclobjtype = k.code),
                                     acldefault(k.builtin, (SELECT oid FROM me)))
                            || coalesce((SELECT defaclacl FROM pg_default_acl, me WHERE defaclrole = me.oid AND defaclnamespace = s.oid AND defaclobjtype = k.code),
                                        ARRAY[]::aclitem[])
                     FROM schemas s, (VALUES ('tables', 'r'::"char", 'r'::"char"), ('sequences', 'S', 's'), ('functions', 'f', 'f'), ('types', 'T', 'T')) AS k(kind, code, builtin)
                     UNION ALL
                     SELECT 'schemas', '', coalesce((SELECT defaclacl FROM pg_default_acl, me WHERE defaclrole = me.oid AND defaclnamespace = 0 AND defaclobjtype = 'n'),
                                                    acldefault('n', (SELECT oid FROM me))))
            SELECT format('database %s %s %s', current_database(), g.shown, p)
            FROM grantee g, unnest(ARRAY['CONNECT', 'CREATE', 'TEMPORARY']) AS p WHERE has_database_privilege(g.name, current_database(), p)
            UNION
            SELECT format('schema %s %s %s', s.name, g.shown, p)
            FROM schemas s, grantee g, unnest(ARRAY['USAGE', 'CREATE']) AS p WHERE has_schema_privilege(g.name, s.oid, p)
            UNION
            SELECT format('%s %s.%s %s %s', CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' ELSE 'table' END,
                          s.name, c.relname, g.shown, t.p)
            FROM pg_class c JOIN schemas s ON s.oid = c.relnamespace, grantee g, table_privilege t
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND (has_table_privilege(g.name, c.oid, t.p)
                   OR (t.p IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES') AND has_any_column_privilege(g.name, c.oid, t.p)))
            UNION
            SELECT format('sequence %s.%s %s %s', s.name, c.relname, g.shown, p)
            FROM pg_class c JOIN schemas s ON s.oid = c.relnamespace, grantee g, unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) AS p
            WHERE c.relkind = 'S' AND has_sequence_privilege(g.name, c.oid, p)
            UNION
            SELECT format('function %s.%s(%s) %s EXECUTE', s.name, f.proname, pg_catalog.oidvectortypes(f.proargtypes), g.shown)
            FROM pg_proc f JOIN schemas s ON s.oid = f.pronamespace, grantee g
            WHERE has_function_privilege(g.name, f.oid, 'EXECUTE')
            UNION
            SELECT format('future %s %s %s %s', fu.kind, fu.schema, g.shown, a.privilege_type)
            FROM future fu, aclexplode(fu.acl) AS a, grantee g
            WHERE a.grantee = 0 OR a.grantee = (SELECT oid FROM pg_roles WHERE rolname = g.name)
            """, role), StringComparer.Ordinal);

    /// <summary>What the matrix declares for what this database has; the role holds PUBLIC's privileges too.</summary>
    public static async Task<SortedSet<string>> DeclaredAsync(NpgsqlConnection connection, string role = AppRole)
    {
        var database = await connection.ScalarAsync<string>("SELECT current_database()::text");
        var schemas = await connection.ColumnAsync<string>($"WITH {Schemas} SELECT name FROM schemas");
        var objects = await connection.RowsAsync($"""
            WITH {Schemas}
            SELECT CASE WHEN c.relkind IN ('r', 'p') THEN 'table' WHEN c.relkind = 'v' THEN 'view' WHEN c.relkind = 'm' THEN 'materialized view'
                        WHEN c.relkind = 'f' THEN 'foreign table' ELSE 'sequence' END, s.name, c.relname::text
            FROM pg_class c JOIN schemas s ON s.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
            UNION ALL
            SELECT 'function', s.name, format('%s(%s)', f.proname, pg_catalog.oidvectortypes(f.proargtypes))
            FROM pg_proc f JOIN schemas s ON s.oid = f.pronamespace
            """);
        var declared = new SortedSet<string>(StringComparer.Ordinal);
        void Add(string what, PrivilegeRule? rule)
        {
            if (rule is not null)
            {
                declared.UnionWith(rule.Public.Select(p => $"{what} PUBLIC {p}"));
                declared.UnionWith(rule.ApiRole.Union(rule.Public).Select(p => $"{what} {role} {p}"));
            }
        }
        PrivilegeRule? Rule(PrivilegeObject kind, string name) => PrivilegeMatrix.Rules.SingleOrDefault(r => r.Kind == kind && r.Name == name);

        Add($"database {database}", Rule(PrivilegeObject.Database, PrivilegeRule.CurrentDatabase));
        foreach (var schema in schemas)
        {
            Add($"schema {schema}", Rule(PrivilegeObject.Schema, schema));
            Add($"future tables {schema}", Rule(PrivilegeObject.FutureTables, schema));
            Add($"future sequences {schema}", Rule(PrivilegeObject.FutureSequences, schema));
            Add($"future functions {schema}", Rule(PrivilegeObject.FutureFunctions, schema));
            Add($"future types {schema}", Rule(PrivilegeObject.FutureTypes, schema));
        }
        Add("future schemas ", Rule(PrivilegeObject.FutureSchemas, ""));
        // Rules name objects of schema public; a plain table there without a rule of its own takes the "*" rule.
        foreach (var row in objects.Where(r => (string)r[1]! == PrivilegeMatrix.Schema))
        {
            var (kind, name) = ((string)row[0]!, (string)row[2]!);
            Add($"{kind} {PrivilegeMatrix.Schema}.{name}", kind switch
            {
                "table" => Rule(PrivilegeObject.Table, name) ?? Rule(PrivilegeObject.Table, PrivilegeMatrix.AnyOtherTable),
                "view" => Rule(PrivilegeObject.View, name),
                "materialized view" => Rule(PrivilegeObject.MaterializedView, name),
                "foreign table" => Rule(PrivilegeObject.ForeignTable, name),
                "sequence" => Rule(PrivilegeObject.Sequence, name),
                _ => Rule(PrivilegeObject.Function, name),
            });
        }
        return declared;
    }
}
