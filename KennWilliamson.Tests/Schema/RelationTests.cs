using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Schema;

[Trait(Layer.Trait, Layer.Api)]
public sealed class RelationTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Foreign_keys_are_exactly_the_designed_ones_with_their_delete_actions()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var keys = await connection.ColumnAsync<string>("""
            SELECT format('%s.%s -> %s.%s on delete %s', c.conrelid::regclass, a.attname, c.confrelid::regclass, fa.attname,
                          CASE c.confdeltype WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' WHEN 'a' THEN 'no action'
                                             WHEN 'r' THEN 'restrict' WHEN 'd' THEN 'set default' END)
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
            WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND cardinality(c.conkey) = 1
            UNION ALL
            SELECT format('%s: %s', conname, pg_get_constraintdef(oid)) FROM pg_constraint
            WHERE contype = 'f' AND connamespace = 'public'::regnamespace AND cardinality(conkey) <> 1
            ORDER BY 1
            """);

        Assert.Equal(
            [
                "incident_timers.user_id -> users.id on delete cascade",
                "refresh_tokens.user_id -> users.id on delete cascade", // a later migration's table
                "user_roles.assigned_by -> users.id on delete set null",
                "user_roles.role_id -> roles.id on delete cascade",
                "user_roles.user_id -> users.id on delete cascade",
            ],
            keys);
    }

    [Fact]
    public async Task Updated_at_triggers_run_the_one_function_before_each_row_update_of_the_three_tables()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var triggers = await connection.ColumnAsync<string>("""
            SELECT format('%s %s', pg_get_triggerdef(t.oid), t.tgenabled)
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace
            ORDER BY t.tgname
            """);

        Assert.Equal(
            [
                "CREATE TRIGGER update_incident_timers_updated_at BEFORE UPDATE ON public.incident_timers FOR EACH ROW EXECUTE FUNCTION update_updated_at_column() O",
                "CREATE TRIGGER update_roles_updated_at BEFORE UPDATE ON public.roles FOR EACH ROW EXECUTE FUNCTION update_updated_at_column() O",
                "CREATE TRIGGER update_users_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION update_updated_at_column() O",
            ],
            triggers);
        Assert.Equal("trigger", await connection.ScalarAsync<string>(
            "SELECT prorettype::regtype::text FROM pg_proc WHERE proname = 'update_updated_at_column' AND pronamespace = 'public'::regnamespace"));
    }

    [Fact]
    public async Task The_user_and_admin_roles_are_seeded_with_their_descriptions()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var roles = await connection.RowsAsync("SELECT name, description FROM roles WHERE name IN ('admin', 'user') ORDER BY name");

        Assert.Equal(
            [
                ["admin", "Administrator with full permissions"],
                ["user", "Standard user with basic permissions"],
            ],
            roles.Select(r => r.Select(v => (string?)v).ToArray()));
    }

    [Fact]
    public async Task The_shared_database_is_the_one_the_tests_expect()
    {
        // Guards the catalog tests: they read the database the AppHost's worker migrated.
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        Assert.Equal("kennwilliamson", await connection.ScalarAsync<string>("SELECT current_database()::text"));
        Assert.Equal(MigrationVerbTests.Migrations, await connection.ColumnAsync<string>(
            """SELECT migration_id FROM "__EFMigrationsHistory" ORDER BY migration_id"""));
    }
}
