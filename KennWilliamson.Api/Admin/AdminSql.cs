using KennWilliamson.Data.Sql;

namespace KennWilliamson.Api.Admin;

public static class AdminSql
{
    /// <summary>Idempotent under concurrent grants: the unique index decides.</summary>
    public static readonly SqlStatement GrantRole = new("user role grant",
        "INSERT INTO user_roles (user_id, role_id, assigned_by) VALUES ($1, $2, $3) ON CONFLICT (user_id, role_id) DO NOTHING",
        [typeof(Guid), typeof(Guid), typeof(Guid)]);

    /// <summary>FOR SHARE: a DELETE of the row waits for the change to commit.</summary>
    public static readonly SqlStatement CallersAdminRow = new("caller's admin row lock", """
        SELECT 1 AS "Value" FROM user_roles ur JOIN roles r ON r.id = ur.role_id
        WHERE ur.user_id = $1 AND r.name = $2
        FOR SHARE OF ur
        """, [typeof(Guid), typeof(string)], new SqlColumn("Value", typeof(int)));

    public static readonly SqlStatement SlowQueries = new("slow queries",
        "SELECT query, calls, mean_exec_time_ms, total_exec_time_ms FROM slow_queries($1)", [typeof(int)],
        new SqlColumn("query", typeof(string)), new("calls", typeof(long)), new("mean_exec_time_ms", typeof(double)), new("total_exec_time_ms", typeof(double)));
}
