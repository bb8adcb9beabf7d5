using KennWilliamson.Tests.Infrastructure;
using Npgsql;

namespace KennWilliamson.Tests.Schema;

/// <summary>The API's role kennwilliamson_app reads and writes rows, and nothing else.</summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class LeastPrivilegeTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string AppRole = "kennwilliamson_app";

    [Theory]
    [InlineData("CREATE TABLE schema_probe (id int)")]
    [InlineData("CREATE TEMP TABLE schema_probe (id int)")]
    [InlineData("DROP TABLE incident_timers")]
    [InlineData("ALTER TABLE users ADD COLUMN schema_probe int")]
    [InlineData("ALTER TABLE roles DROP COLUMN description")]
    [InlineData("CREATE INDEX schema_probe ON users (display_name)")]
    [InlineData("DROP TRIGGER update_users_updated_at ON users")]
    [InlineData("CREATE FUNCTION schema_probe() RETURNS int LANGUAGE sql AS 'SELECT 1'")]
    [InlineData("DROP FUNCTION update_updated_at_column()")]
    [InlineData("CREATE SCHEMA schema_probe")]
    [InlineData("TRUNCATE incident_timers")]
    public async Task The_app_role_may_not_change_the_schema(string statement)
    {
        await using var connection = await Connections.OpenAsync(fixture.AppConnectionString);
        Assert.Equal(AppRole, await connection.ScalarAsync<string>("SELECT current_user::text"));
        // In a transaction that is rolled back: should the statement succeed, the shared database is unchanged.
        await using var transaction = await connection.BeginTransactionAsync().AsTask().WaitAsync(SchemaSql.Timeout);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(statement));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        await transaction.RollbackAsync().WaitAsync(SchemaSql.Timeout);
    }

    [Fact]
    public async Task The_app_role_may_select_insert_update_and_delete_rows_of_every_table()
    {
        await using var connection = await Connections.OpenAsync(fixture.AppConnectionString);
        var tag = Guid.NewGuid().ToString("N");
        var roleName = $"app-{tag}";

        var userId = await connection.ScalarAsync<Guid>(
            "INSERT INTO users (email, password_hash, display_name, slug) VALUES ($1, 'h', 'App', $2) RETURNING id", $"app.{tag}@example.com", $"app-{tag}");
        var roleId = await connection.ScalarAsync<Guid>("INSERT INTO roles (name) VALUES ($1) RETURNING id", roleName);
        var assignmentId = await connection.ScalarAsync<Guid>(
            "INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2) RETURNING id", userId, roleId);
        var timerId = await connection.ScalarAsync<Guid>("INSERT INTO incident_timers (user_id) VALUES ($1) RETURNING id", userId);

        Assert.Equal(1, await connection.ExecuteAsync("UPDATE users SET display_name = 'App 2' WHERE id = $1", userId));
        Assert.Equal(1, await connection.ExecuteAsync("UPDATE roles SET description = 'App' WHERE id = $1", roleId));
        Assert.Equal(1, await connection.ExecuteAsync("UPDATE user_roles SET assigned_by = $2 WHERE id = $1", assignmentId, userId));
        Assert.Equal(1, await connection.ExecuteAsync("UPDATE incident_timers SET notes = 'App' WHERE id = $1", timerId));

        Assert.Equal("App 2", await connection.ScalarAsync<string>("SELECT display_name::text FROM users WHERE id = $1", userId));
        Assert.Equal("App", await connection.ScalarAsync<string>("SELECT description FROM roles WHERE id = $1", roleId));
        Assert.Equal(userId, await connection.ScalarAsync<Guid>("SELECT assigned_by FROM user_roles WHERE id = $1", assignmentId));
        Assert.Equal("App", await connection.ScalarAsync<string>("SELECT notes FROM incident_timers WHERE id = $1", timerId));

        Assert.Equal(1, await connection.ExecuteAsync("DELETE FROM incident_timers WHERE id = $1", timerId));
        Assert.Equal(1, await connection.ExecuteAsync("DELETE FROM user_roles WHERE id = $1", assignmentId));
        Assert.Equal(1, await connection.ExecuteAsync("DELETE FROM roles WHERE id = $1", roleId));
        Assert.Equal(1, await connection.ExecuteAsync("DELETE FROM users WHERE id = $1", userId));
    }

    [Fact]
    public async Task The_app_role_holds_row_privileges_on_every_table_and_nothing_more()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var privileges = await connection.RowsAsync("""
            SELECT c.relname::text,
                   has_table_privilege($1, c.oid, 'SELECT'), has_table_privilege($1, c.oid, 'INSERT'),
                   has_table_privilege($1, c.oid, 'UPDATE'), has_table_privilege($1, c.oid, 'DELETE'),
                   has_table_privilege($1, c.oid, 'TRUNCATE'), has_table_privilege($1, c.oid, 'REFERENCES'),
                   has_table_privilege($1, c.oid, 'TRIGGER')
            FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
            ORDER BY 1
            """, AppRole);

        Assert.Superset(new HashSet<string> { "users", "roles", "user_roles", "incident_timers" },
            privileges.Select(r => (string)r[0]!).ToHashSet());
        // The audit trail is append-only for the API: read and insert, never change or remove. The
        // migration history is read-only (the health check counts it); the original's is out of reach.
        Assert.All(privileges, r => Assert.Equal(
            (string)r[0]! switch
            {
                "audit_events" => "audit_events: True True False False False False False",
                "__EFMigrationsHistory" => "__EFMigrationsHistory: True False False False False False False",
                "_sqlx_migrations" => "_sqlx_migrations: False False False False False False False",
                var table => $"{table}: True True True True False False False",
            },
            $"{r[0]}: {r[1]} {r[2]} {r[3]} {r[4]} {r[5]} {r[6]} {r[7]}"));
        Assert.False(await connection.ScalarAsync<bool>("SELECT has_schema_privilege($1, 'public', 'CREATE')", AppRole));
        Assert.False(await connection.ScalarAsync<bool>("SELECT has_database_privilege($1, current_database(), 'CREATE')", AppRole));
        Assert.False(await connection.ScalarAsync<bool>("SELECT has_database_privilege($1, current_database(), 'TEMPORARY')", AppRole));
    }

    [Theory]
    [InlineData("SELECT uuid_v7_to_timestamptz(uuid_generate_v7())")]
    [InlineData("SELECT uuid_timestamptz_to_v7(now())")]
    [InlineData("SELECT count(*) FROM monitoring.pg_stat_statements")]
    public async Task The_app_role_may_not_run_functions_or_read_schemas_the_matrix_does_not_give_it(string statement)
    {
        await using var connection = await Connections.OpenAsync(fixture.AppConnectionString);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(statement));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task The_app_role_may_run_uuid_generate_v7_and_slow_queries_and_PUBLIC_no_function()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var executable = await connection.ColumnAsync<string>("""
            SELECT format('%s %s.%s(%s)', g, n.nspname, p.proname, oidvectortypes(p.proargtypes))
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, unnest(ARRAY['public', $1]) AS g
            WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema' AND has_function_privilege(g, p.oid, 'EXECUTE')
            ORDER BY 1
            """, AppRole);

        // The id columns' default runs with the inserting role's rights; the updated_at trigger needs nothing.
        Assert.Equal([$"{AppRole} public.slow_queries(integer)", $"{AppRole} public.uuid_generate_v7()"], executable);
    }

    [Fact]
    public async Task The_app_role_is_a_login_role_that_is_not_a_superuser_and_cannot_create_databases_or_roles()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var role = Assert.Single(await connection.RowsAsync(
            "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = $1", AppRole));

        Assert.Equal(new object?[] { true, false, false, false, false, false }, role);
        Assert.Equal(0L, await connection.ScalarAsync<long>(
            "SELECT count(*) FROM pg_auth_members WHERE member = (SELECT oid FROM pg_roles WHERE rolname = $1)", AppRole));
    }

    [Fact]
    public async Task The_app_role_owns_nothing()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var owned = await connection.ColumnAsync<string>("""
            WITH app AS (SELECT oid FROM pg_roles WHERE rolname = $1)
            SELECT 'relation ' || relname FROM pg_class WHERE relowner = (SELECT oid FROM app)
            UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspowner = (SELECT oid FROM app)
            UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE proowner = (SELECT oid FROM app)
            UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typowner = (SELECT oid FROM app)
            UNION ALL SELECT 'database ' || datname FROM pg_database WHERE datdba = (SELECT oid FROM app)
            """, AppRole);

        Assert.Equal(1L, await connection.ScalarAsync<long>("SELECT count(*) FROM pg_roles WHERE rolname = $1", AppRole));
        Assert.Empty(owned);
    }
}
