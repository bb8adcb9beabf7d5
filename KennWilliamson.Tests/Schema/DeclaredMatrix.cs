using KennWilliamson.MigrationService.Privileges;
using Npgsql;

namespace KennWilliamson.Tests.Schema;

/// <summary>
/// The privileges a database grants the API role and PUBLIC, read with the test's own SQL, set against
/// what the worker declares (<see cref="PrivilegeMatrix.Rules"/>, read from the worker's assembly, so
/// the declaration is not restated here). Each privilege held is one line: "table audit_events kennwilliamson_app UPDATE".
/// </summary>
internal static class DeclaredMatrix
{
    public const string AppRole = "kennwilliamson_app";

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
        new(await connection.ColumnAsync<string>("""
            WITH grantee(name, shown) AS (VALUES ('public'::text, 'PUBLIC'::text), ($1::text, $1::text)),
                 table_privilege(p) AS (SELECT unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']
                     || CASE WHEN current_setting('server_version_num')::int >= 170000 THEN ARRAY['MAINTAIN'] ELSE ARRAY[]::text[] END))
            SELECT format('database %s %s %s', current_database(), g.shown, p)
            FROM grantee g, unnest(ARRAY['CONNECT', 'CREATE', 'TEMPORARY']) AS p WHERE has_database_privilege(g.name, current_database(), p)
            UNION
            SELECT format('schema public %s %s', g.shown, p)
            FROM grantee g, unnest(ARRAY['USAGE', 'CREATE']) AS p WHERE has_schema_privilege(g.name, 'public', p)
            UNION
            SELECT format('table %s %s %s', c.relname, g.shown, t.p)
            FROM pg_class c, grantee g, table_privilege t
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND has_table_privilege(g.name, c.oid, t.p)
            UNION
            SELECT format('function %s %s EXECUTE', f, g.shown)
            FROM unnest($2::text[]) AS f, grantee g
            WHERE to_regprocedure('public.' || f) IS NOT NULL AND has_function_privilege(g.name, to_regprocedure('public.' || f), 'EXECUTE')
            UNION
            SELECT format('future %s %s', g.shown, a.privilege_type)
            FROM pg_default_acl d, aclexplode(d.defaclacl) AS a, grantee g
            WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND d.defaclobjtype = 'r'
              AND d.defaclnamespace IN (0, 'public'::regnamespace)
              AND (a.grantee = 0 OR a.grantee = (SELECT oid FROM pg_roles WHERE rolname = g.name))
            """, role, Names(PrivilegeObject.Function)), StringComparer.Ordinal);

    /// <summary>What the matrix declares for the objects this database has; the role holds PUBLIC's privileges too.</summary>
    public static async Task<SortedSet<string>> DeclaredAsync(NpgsqlConnection connection, string role = AppRole)
    {
        var database = await connection.ScalarAsync<string>("SELECT current_database()::text");
        var tables = await connection.ColumnAsync<string>(
            "SELECT relname::text FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v', 'm', 'f')");
        var functions = await connection.ColumnAsync<string>(
            "SELECT f FROM unnest($1::text[]) AS f WHERE to_regprocedure('public.' || f) IS NOT NULL", (object)Names(PrivilegeObject.Function));
        var declared = new SortedSet<string>(StringComparer.Ordinal);
        void Add(string what, PrivilegeRule rule)
        {
            declared.UnionWith(rule.Public.Select(p => $"{what} PUBLIC {p}"));
            declared.UnionWith(rule.ApiRole.Union(rule.Public).Select(p => $"{what} {role} {p}"));
        }
        foreach (var rule in PrivilegeMatrix.Rules)
        {
            switch (rule.Kind)
            {
                case PrivilegeObject.Database:
                    Add($"database {database}", rule);
                    break;
                case PrivilegeObject.Schema:
                    Add($"schema {rule.Name}", rule);
                    break;
                case PrivilegeObject.Function when functions.Contains(rule.Name):
                    Add($"function {rule.Name}", rule);
                    break;
                case PrivilegeObject.FutureTables:
                    Add("future", rule);
                    break;
            }
        }
        foreach (var table in tables)
        {
            Add($"table {table}", PrivilegeMatrix.Rules.SingleOrDefault(r => r.Kind == PrivilegeObject.Table && r.Name == table)
                ?? PrivilegeMatrix.Rules.Single(r => r.Kind == PrivilegeObject.Table && r.Name == PrivilegeMatrix.AnyOtherTable));
        }
        return declared;
    }

    private static string[] Names(PrivilegeObject kind) => [.. PrivilegeMatrix.Rules.Where(r => r.Kind == kind).Select(r => r.Name)];
}
