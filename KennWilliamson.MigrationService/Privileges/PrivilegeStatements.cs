namespace KennWilliamson.MigrationService.Privileges;

/// <summary>
/// The GRANT and REVOKE statements that make a database equal the matrix: for every object it governs
/// and every grantee, everything revoked, then what the rule declares granted. Revoking first is what
/// narrows privileges that came from elsewhere (a restore's tables take the default privileges); doing
/// both per grantee in a fixed order leaves the same ACL on every run.
/// </summary>
internal static class PrivilegeStatements
{
    public static IReadOnlyList<string> For(PrivilegeInventory inventory, string role, IReadOnlyList<PrivilegeRule>? rules = null)
    {
        var statements = new List<string>();
        foreach (var (kind, name, rule) in DeclaredPrivileges.Objects(inventory, rules ?? PrivilegeMatrix.Rules))
        {
            foreach (var grantee in DeclaredPrivileges.Grantees(inventory, role))
            {
                var to = grantee == PrivilegeFact.Public ? "PUBLIC" : Quote(grantee);
                var granted = grantee == PrivilegeFact.Public ? rule.Public : rule.ApiRole;
                var (prefix, on) = kind switch
                {
                    PrivilegeObject.Database => ("", $"DATABASE {Quote(name)}"),
                    PrivilegeObject.Schema => ("", $"SCHEMA {Quote(name)}"),
                    PrivilegeObject.Table => ("", $"TABLE public.{Quote(name)}"),
                    // A signature from the matrix itself, never from the database: written as declared.
                    PrivilegeObject.Function => ("", $"FUNCTION public.{name}"),
                    _ => ($"ALTER DEFAULT PRIVILEGES IN SCHEMA {Quote(name)} ", "TABLES"),
                };
                statements.Add($"{prefix}REVOKE ALL ON {on} FROM {to}");
                if (granted.Count > 0)
                {
                    statements.Add($"{prefix}GRANT {string.Join(", ", granted)} ON {on} TO {to}");
                }
            }
        }
        return statements;
    }

    /// <summary>A quoted identifier: any name a table can have, embedded quotes doubled.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
