using KennWilliamson.Data.Sql;

namespace KennWilliamson.Api.Infrastructure;

public static class AccessSql
{
    public static readonly SqlStatement HasRole = new("caller's current role",
        "SELECT EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 AND r.name = $2)",
        [typeof(Guid), typeof(string)], new SqlColumn("exists", typeof(bool)));
}
