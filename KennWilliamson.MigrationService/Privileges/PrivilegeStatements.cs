namespace KennWilliamson.MigrationService.Privileges;

/// <summary>Revoke everything, then grant the matrix: revoking first narrows what came from elsewhere (a restore's defaults).</summary>
internal static class PrivilegeStatements
{
    public static IReadOnlyList<string> For(PrivilegeInventory inventory, string role, IReadOnlyList<PrivilegeRule>? rules = null)
    {
        var governed = DeclaredPrivileges.Governed(inventory, rules ?? PrivilegeMatrix.Rules).ToList();
        var grantees = DeclaredPrivileges.Grantees(inventory, role);
        var statements = new List<string>();
        foreach (var grantee in grantees)
        {
            var from = To(grantee);
            statements.Add($"REVOKE ALL ON DATABASE {Quote(inventory.Database)} FROM {from}");
            foreach (var schema in inventory.Schemas)
            {
                statements.Add($"REVOKE ALL ON SCHEMA {Quote(schema)} FROM {from}");
                foreach (var all in (string[])["TABLES", "SEQUENCES", "ROUTINES"])
                {
                    statements.Add($"REVOKE ALL ON ALL {all} IN SCHEMA {Quote(schema)} FROM {from}");
                }
                foreach (var kind in PrivilegeRule.FutureInSchema)
                {
                    statements.Add($"ALTER DEFAULT PRIVILEGES IN SCHEMA {Quote(schema)} REVOKE ALL ON {DefaultsOf(kind)} FROM {from}");
                }
            }
            foreach (var kind in PrivilegeRule.FutureInSchema.Append(PrivilegeObject.FutureSchemas))
            {
                statements.Add($"ALTER DEFAULT PRIVILEGES REVOKE ALL ON {DefaultsOf(kind)} FROM {from}");
            }
        }
        foreach (var grantee in grantees)
        {
            foreach (var (target, rule) in governed)
            {
                var granted = DeclaredPrivileges.Granted(rule, grantee);
                if (granted.Count > 0)
                {
                    statements.Add(Grant(target, string.Join(", ", granted), To(grantee)));
                }
            }
        }
        return statements;
    }

    private static string Grant(PrivilegeTarget target, string privileges, string to) => target.Kind switch
    {
        PrivilegeObject.Database => $"GRANT {privileges} ON DATABASE {Quote(target.Name)} TO {to}",
        PrivilegeObject.Schema => $"GRANT {privileges} ON SCHEMA {Quote(target.Schema)} TO {to}",
        PrivilegeObject.Sequence => $"GRANT {privileges} ON SEQUENCE {Quote(target.Schema)}.{Quote(target.Name)} TO {to}",
        // A signature the matrix declares (only declared routines are granted on): written as declared.
        PrivilegeObject.Function => $"GRANT {privileges} ON ROUTINE {Quote(target.Schema)}.{target.Name} TO {to}",
        PrivilegeObject.FutureSchemas => $"ALTER DEFAULT PRIVILEGES GRANT {privileges} ON SCHEMAS TO {to}",
        _ when PrivilegeRule.IsRelation(target.Kind) => $"GRANT {privileges} ON TABLE {Quote(target.Schema)}.{Quote(target.Name)} TO {to}",
        _ => $"ALTER DEFAULT PRIVILEGES IN SCHEMA {Quote(target.Schema)} GRANT {privileges} ON {DefaultsOf(target.Kind)} TO {to}",
    };

    private static string DefaultsOf(PrivilegeObject kind) => kind switch
    {
        PrivilegeObject.FutureTables => "TABLES",
        PrivilegeObject.FutureSequences => "SEQUENCES",
        PrivilegeObject.FutureFunctions => "FUNCTIONS",
        PrivilegeObject.FutureTypes => "TYPES",
        PrivilegeObject.FutureSchemas => "SCHEMAS",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a kind of default privileges"),
    };

    private static string To(string grantee) => grantee == PrivilegeFact.Public ? "PUBLIC" : Quote(grantee);

    /// <summary>A quoted identifier: any name a table can have, embedded quotes doubled.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
