using Npgsql;

namespace KennWilliamson.MigrationService.Privileges;

/// <summary>What the check found: how many privileges it compared, and whether the API role exists at all.</summary>
internal sealed record PrivilegeCheckResult(string Role, int Compared, bool RoleExists)
{
    /// <summary>The line an operator's verb reports.</summary>
    public string Summary => RoleExists
        ? $"privileges: {Role} and PUBLIC hold what the privilege matrix declares and nothing else ({Compared} compared)"
        : $"privileges: PUBLIC holds what the privilege matrix declares ({Compared} compared); the role {Role} does not exist here (the worker's run with AppDatabase:Password creates it)";
}

/// <summary>
/// Reads the privileges a database really grants (has_*_privilege, and the default privileges of the
/// worker's role) and compares them with the matrix. A difference is an error naming each one: the
/// worker fails rather than leave the API more (or less) than it was declared.
/// </summary>
internal static class PrivilegeCheck
{
    // Tables in the sense of GRANT ... ON TABLE: plain and partitioned tables, views, materialized views, foreign tables.
    private const string Relations = "c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')";

    public static async Task<PrivilegeInventory> InventoryAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string role, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT current_database()::text, current_setting('server_version_num')::int,
                   EXISTS (SELECT FROM pg_roles WHERE rolname = $1),
                   ARRAY(SELECT c.relname::text FROM pg_class c WHERE {Relations} ORDER BY 1),
                   ARRAY(SELECT f FROM unnest($2::text[]) AS f WHERE to_regprocedure('public.' || f) IS NOT NULL ORDER BY 1)
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = role });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = PrivilegeMatrix.Rules.Where(r => r.Kind == PrivilegeObject.Function).Select(r => r.Name).ToArray(),
        });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new(reader.GetString(0), reader.GetFieldValue<string[]>(3), reader.GetFieldValue<string[]>(4), reader.GetBoolean(2), reader.GetInt32(1));
    }

    /// <summary>Each privilege of each grantee on each object the inventory has, as the server reports it.</summary>
    public static async Task<Dictionary<PrivilegeFact, bool>> ActualAsync(NpgsqlConnection connection, PrivilegeInventory inventory, string role, CancellationToken ct)
    {
        // has_*_privilege takes 'public' for the PUBLIC pseudo-role.
        var grantees = DeclaredPrivileges.Grantees(inventory, role).Select(g => g == PrivilegeFact.Public ? "public" : g).ToArray();
        var actual = new Dictionary<PrivilegeFact, bool>();
        async Task ReadAsync(PrivilegeObject kind, string sql, string[]? names = null)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = grantees });
            command.Parameters.Add(new NpgsqlParameter { Value = PrivilegeRule.All(kind, inventory.ServerVersion).ToArray() });
            if (names is not null)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = names });
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var grantee = reader.GetString(1);
                actual[new(kind, reader.GetString(0), grantee == "public" ? PrivilegeFact.Public : grantee, reader.GetString(2))] = reader.GetBoolean(3);
            }
        }

        await ReadAsync(PrivilegeObject.Database, """
            SELECT current_database()::text, g, p, has_database_privilege(g, current_database(), p)
            FROM unnest($1::text[]) AS g, unnest($2::text[]) AS p
            """);
        await ReadAsync(PrivilegeObject.Schema, """
            SELECT n.nspname::text, g, p, has_schema_privilege(g, n.oid, p)
            FROM pg_namespace n, unnest($1::text[]) AS g, unnest($2::text[]) AS p WHERE n.nspname = ANY ($3)
            """, Names(PrivilegeObject.Schema));
        await ReadAsync(PrivilegeObject.Table, $"""
            SELECT c.relname::text, g, p, has_table_privilege(g, c.oid, p)
            FROM pg_class c, unnest($1::text[]) AS g, unnest($2::text[]) AS p WHERE {Relations}
            """);
        await ReadAsync(PrivilegeObject.Function, """
            SELECT f, g, p, has_function_privilege(g, to_regprocedure('public.' || f), p)
            FROM unnest($3::text[]) AS f, unnest($1::text[]) AS g, unnest($2::text[]) AS p
            """, inventory.Functions.ToArray());
        // A future table's privileges: the worker role's default ACLs, global and for the schema; PUBLIC's count for everyone.
        await ReadAsync(PrivilegeObject.FutureTables, """
            SELECT n.nspname::text, g, p, EXISTS (
                SELECT FROM pg_default_acl d, aclexplode(d.defaclacl) AS a
                WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND d.defaclobjtype = 'r'
                  AND d.defaclnamespace IN (0, n.oid) AND a.privilege_type = p
                  AND (a.grantee = 0 OR a.grantee = (SELECT oid FROM pg_roles WHERE rolname = g)))
            FROM pg_namespace n, unnest($1::text[]) AS g, unnest($2::text[]) AS p WHERE n.nspname = ANY ($3)
            """, Names(PrivilegeObject.FutureTables));
        return actual;
    }

    /// <summary>Compares the database with the matrix; throws naming every difference.</summary>
    public static async Task<PrivilegeCheckResult> VerifyAsync(NpgsqlConnection connection, string role, CancellationToken ct)
    {
        var inventory = await InventoryAsync(connection, null, role, ct);
        var expected = DeclaredPrivileges.Expected(inventory, role);
        var differences = DeclaredPrivileges.Differences(expected, await ActualAsync(connection, inventory, role, ct));
        if (differences.Count > 0)
        {
            const int Shown = 20;
            var more = differences.Count > Shown ? $"; and {differences.Count - Shown} more" : "";
            throw new InvalidOperationException(
                $"the privileges of {inventory.Database} differ from the declared privilege matrix: {string.Join("; ", differences.Take(Shown))}{more}");
        }
        return new(role, expected.Count, inventory.RoleExists);
    }

    private static string[] Names(PrivilegeObject kind) => [.. PrivilegeMatrix.Rules.Where(r => r.Kind == kind).Select(r => r.Name)];
}
