using Npgsql;

namespace KennWilliamson.MigrationService.Privileges;

/// <summary>What the check found, and the undeclared SECURITY DEFINER routines.</summary>
internal sealed record PrivilegeCheckResult(string Role, int Compared, bool RoleExists, IReadOnlyList<PrivilegeTarget> UndeclaredSecurityDefiners)
{
    public string Summary => (RoleExists
        ? $"privileges: {Role} and PUBLIC hold what the privilege matrix declares and nothing else ({Compared} compared)"
        : $"privileges: PUBLIC holds what the privilege matrix declares ({Compared} compared); the role {Role} does not exist here (the worker's run with AppDatabase:Password creates it)")
        + (UndeclaredSecurityDefiners.Count == 0 ? ""
            : $"; SECURITY DEFINER, not in the matrix, runnable by their owner only (review them): {string.Join(", ", UndeclaredSecurityDefiners.Select(f => f.Describe()))}");
}

/// <summary>Compares what the database really grants with the matrix; any difference fails the verb.</summary>
internal static class PrivilegeCheck
{
    private const string Schemas = """
        schemas AS (SELECT n.oid, n.nspname::text AS name FROM pg_namespace n WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema')
        """;

    private const string Signature = "format('%s(%s)', f.proname, oidvectortypes(f.proargtypes))";

    public static async Task<PrivilegeInventory> InventoryAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string role, CancellationToken ct)
    {
        string database;
        int version;
        bool roleExists;
        await using (var command = new NpgsqlCommand(
            "SELECT current_database()::text, current_setting('server_version_num')::int, EXISTS (SELECT FROM pg_roles WHERE rolname = $1)",
            connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = role });
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            (database, version, roleExists) = (reader.GetString(0), reader.GetInt32(1), reader.GetBoolean(2));
        }

        var objects = new List<PrivilegeTarget>();
        var definers = new List<PrivilegeTarget>();
        await using (var command = new NpgsqlCommand($"""
            WITH {Schemas}
            SELECT 'n', s.name, '', false FROM schemas s
            UNION ALL
            SELECT c.relkind::text, s.name, c.relname::text, false
            FROM pg_class c JOIN schemas s ON s.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
            UNION ALL
            SELECT 'F', s.name, {Signature}, f.prosecdef FROM pg_proc f JOIN schemas s ON s.oid = f.pronamespace
            ORDER BY 1, 2, 3
            """, connection, transaction))
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var target = new PrivilegeTarget(KindOf(reader.GetString(0)), reader.GetString(1), reader.GetString(2));
                objects.Add(target);
                if (reader.GetBoolean(3))
                {
                    definers.Add(target);
                }
            }
        }
        return new(database, objects, definers, roleExists, version);
    }

    public static async Task<Dictionary<PrivilegeFact, bool>> ActualAsync(NpgsqlConnection connection, PrivilegeInventory inventory, string role, CancellationToken ct)
    {
        // has_*_privilege takes 'public' for the PUBLIC pseudo-role.
        var grantees = DeclaredPrivileges.Grantees(inventory, role).Select(g => g == PrivilegeFact.Public ? "public" : g).ToArray();
        var actual = new Dictionary<PrivilegeFact, bool>();
        async Task ReadAsync(PrivilegeObject? only, string sql, PrivilegeObject privilegesOf, params object[] more)
        {
            await using var command = new NpgsqlCommand($"WITH {Schemas} {sql}", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = grantees });
            command.Parameters.Add(new NpgsqlParameter { Value = PrivilegeRule.All(privilegesOf, inventory.ServerVersion).ToArray() });
            foreach (var value in more)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var grantee = reader.GetString(3);
                var target = new PrivilegeTarget(only ?? KindOf(reader.GetString(0)), reader.GetString(1), reader.GetString(2));
                actual[new(target, grantee == "public" ? PrivilegeFact.Public : grantee, reader.GetString(4))] = reader.GetBoolean(5);
            }
        }

        await ReadAsync(PrivilegeObject.Database, """
            SELECT '', '', current_database()::text, g, p, has_database_privilege(g, current_database(), p)
            FROM unnest($1::text[]) AS g, unnest($2::text[]) AS p
            """, PrivilegeObject.Database);
        await ReadAsync(PrivilegeObject.Schema, """
            SELECT '', s.name, '', g, p, has_schema_privilege(g, s.oid, p)
            FROM schemas s, unnest($1::text[]) AS g, unnest($2::text[]) AS p
            """, PrivilegeObject.Schema);
        // A grant on some columns of a table is a way to its rows too: has_any_column_privilege sees both.
        await ReadAsync(null, """
            SELECT c.relkind::text, s.name, c.relname::text, g, p,
                   CASE WHEN p IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES') THEN has_any_column_privilege(g, c.oid, p)
                        ELSE has_table_privilege(g, c.oid, p) END
            FROM pg_class c JOIN schemas s ON s.oid = c.relnamespace, unnest($1::text[]) AS g, unnest($2::text[]) AS p
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
            """, PrivilegeObject.Table);
        await ReadAsync(PrivilegeObject.Sequence, """
            SELECT '', s.name, c.relname::text, g, p, has_sequence_privilege(g, c.oid, p)
            FROM pg_class c JOIN schemas s ON s.oid = c.relnamespace, unnest($1::text[]) AS g, unnest($2::text[]) AS p
            WHERE c.relkind = 'S'
            """, PrivilegeObject.Sequence);
        await ReadAsync(PrivilegeObject.Function, $"""
            SELECT '', s.name, {Signature}, g, p, has_function_privilege(g, f.oid, p)
            FROM pg_proc f JOIN schemas s ON s.oid = f.pronamespace, unnest($1::text[]) AS g, unnest($2::text[]) AS p
            """, PrivilegeObject.Function);

        // A later object's ACL: the database-wide default (acldefault where none) plus its schema's.
        foreach (var kind in PrivilegeRule.FutureInSchema)
        {
            await ReadAsync(kind, $"""
                SELECT '', s.name, '', g, p, {DefaultHeld("s.oid")}
                FROM schemas s, unnest($1::text[]) AS g, unnest($2::text[]) AS p
                """, kind, DefaultAclType(kind), AclDefaultType(kind));
        }
        await ReadAsync(PrivilegeObject.FutureSchemas, $"""
            SELECT '', '', '', g, p, {DefaultHeld("NULL")}
            FROM unnest($1::text[]) AS g, unnest($2::text[]) AS p
            """, PrivilegeObject.FutureSchemas, DefaultAclType(PrivilegeObject.FutureSchemas), AclDefaultType(PrivilegeObject.FutureSchemas));
        return actual;
    }

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
        return new(role, expected.Count, inventory.RoleExists, DeclaredPrivileges.UndeclaredSecurityDefiners(inventory));
    }

    private static string DefaultHeld(string schemaOid) => $"""
        EXISTS (
            SELECT FROM aclexplode(
                coalesce((SELECT d.defaclacl FROM pg_default_acl d
                          WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND d.defaclnamespace = 0 AND d.defaclobjtype = $3::"char"),
                         acldefault($4::"char", (SELECT oid FROM pg_roles WHERE rolname = current_user)))
                || coalesce((SELECT d.defaclacl FROM pg_default_acl d
                             WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND d.defaclnamespace = {schemaOid} AND d.defaclobjtype = $3::"char"),
                            ARRAY[]::aclitem[])) AS a
            WHERE a.privilege_type = p AND (a.grantee = 0 OR a.grantee = (SELECT oid FROM pg_roles WHERE rolname = g)))
        """;

    // pg_default_acl.defaclobjtype's letters, and acldefault()'s for the same kinds (a sequence is 's' there, 'S' a foreign server).
    private static string DefaultAclType(PrivilegeObject kind) => kind switch
    {
        PrivilegeObject.FutureTables => "r",
        PrivilegeObject.FutureSequences => "S",
        PrivilegeObject.FutureFunctions => "f",
        PrivilegeObject.FutureTypes => "T",
        _ => "n",
    };

    private static string AclDefaultType(PrivilegeObject kind) => kind == PrivilegeObject.FutureSequences ? "s" : DefaultAclType(kind);

    private static PrivilegeObject KindOf(string relkind) => relkind switch
    {
        "n" => PrivilegeObject.Schema,
        "r" or "p" => PrivilegeObject.Table,
        "v" => PrivilegeObject.View,
        "m" => PrivilegeObject.MaterializedView,
        "f" => PrivilegeObject.ForeignTable,
        "S" => PrivilegeObject.Sequence,
        _ => PrivilegeObject.Function,
    };
}
