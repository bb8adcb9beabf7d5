using Npgsql;

namespace KennWilliamson.MigrationService.Operations;

/// <summary><c>reset</c>: the typed confirmation, everything in schema public dropped, the migrations again, then verified.</summary>
internal static class DatabaseReset
{
    private static readonly string[] Tables = ["users", "roles", "user_roles", "incident_timers", "__EFMigrationsHistory"];
    private static readonly string[] Triggers = ["update_users_updated_at", "update_roles_updated_at", "update_incident_timers_updated_at"];

    // An empty public schema as a new database has it: owned by pg_database_owner where that role exists
    // (PostgreSQL 14+), usable by everyone. lock_timeout: a session holding a table waits 30 s, not forever.
    private const string DropSql = """
        SET lock_timeout = '30s';
        DROP SCHEMA IF EXISTS public CASCADE;
        CREATE SCHEMA public;
        DO $$ BEGIN
          IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pg_database_owner') THEN
            ALTER SCHEMA public OWNER TO pg_database_owner;
          END IF;
        EXCEPTION WHEN insufficient_privilege THEN NULL; -- then the current user stays the owner
        END $$;
        GRANT USAGE ON SCHEMA public TO PUBLIC;
        """;

    /// <summary>A reset may point anywhere (DATABASE_URL), so the database's name is what is asked.</summary>
    public static async Task ConfirmAsync(NpgsqlConnectionStringBuilder target, bool yes, OperatorReport report, TextReader input, CancellationToken ct)
    {
        if (yes)
        {
            return;
        }
        var name = target.Database ?? target.Username ?? "";
        report.Line($"This drops every table of {DatabaseLabel.Of(target)}: its data, the audit trail and the migration history.");
        if ((await report.AskAsync($"Type the database name ({name}) to continue: ", input, ct))?.Trim() != name || name.Length == 0)
        {
            throw new InvalidOperationException($"not confirmed: nothing was dropped (type '{name}', or pass --yes)");
        }
    }

    public static async Task DropEverythingAsync(string connectionString, OperatorReport report, CancellationToken ct)
    {
        var label = DatabaseLabel.Of(new NpgsqlConnectionStringBuilder(connectionString));
        report.Line($"Resetting {label}");
        await using var connection = await Unpooled.OpenAsync(connectionString, ct);
        try
        {
            await using var command = new NpgsqlCommand(DropSql, connection);
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException ex)
        {
            throw new InvalidOperationException($"could not drop the data of {label}: {ex.MessageText}", ex);
        }
        report.Line("  dropped the public schema and everything in it");
    }

    public static async Task VerifyAsync(string connectionString, bool seeded, OperatorReport report, CancellationToken ct)
    {
        report.Line($"  applied every migration{(seeded ? " and the seed data" : "")} (migration worker)");
        await using var connection = await Unpooled.OpenAsync(connectionString, ct);
        var uuid = await ScalarAsync<Guid>(connection, "SELECT uuid_generate_v7()", ct);
        if (uuid.Version != 7)
        {
            throw new InvalidOperationException($"verification failed: uuid_generate_v7() returned {uuid}, not a version 7 UUID");
        }
        var missingTables = await ScalarAsync<string?>(connection, """
            SELECT string_agg(t, ', ') FROM unnest(@names) AS t WHERE to_regclass(format('public.%I', t)) IS NULL
            """, ct, Tables);
        var missingTriggers = await ScalarAsync<string?>(connection, """
            SELECT string_agg(t, ', ') FROM unnest(@names) AS t
            WHERE NOT EXISTS (SELECT FROM pg_trigger WHERE tgname = t AND NOT tgisinternal)
            """, ct, Triggers);
        if (missingTables is not null || missingTriggers is not null)
        {
            throw new InvalidOperationException(
                $"verification failed: missing {string.Join("; ", new[] { missingTables is null ? null : $"tables {missingTables}", missingTriggers is null ? null : $"triggers {missingTriggers}" }.OfType<string>())}");
        }
        var migrations = await ScalarAsync<long>(connection, """SELECT count(*) FROM "__EFMigrationsHistory" """, ct);
        report.Line($"  verified: uuid_generate_v7() answers ({uuid}), tables and the {Triggers.Length} updated_at triggers exist, {migrations} migrations recorded");
        report.Line("");
        report.Line($"Reset done: {DatabaseLabel.Of(new NpgsqlConnectionStringBuilder(connectionString))}");
        await RowCounts.PrintAsync(connection, report, ct);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct, string[]? names = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (names is not null)
        {
            command.Parameters.AddWithValue("names", names);
        }
        var value = await command.ExecuteScalarAsync(ct);
        return value is DBNull ? default! : (T)value!;
    }
}
