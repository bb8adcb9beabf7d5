using System.Text;
using Npgsql;

namespace KennWilliamson.Tests.Schema;

/// <summary>What the migration verb tests read back: a run's success, the history, a fingerprint of the schema.</summary>
internal static class MigrationHistory
{
    public static void AssertSucceeded(ProcessResult result) =>
        Assert.True(result.ExitCode == 0,
            $"The worker exited {result.ExitCode}.\n--- stdout ---\n{result.Output}\n--- stderr ---\n{result.Error}");

    public static async Task<string[]> HistoryAsync(NpgsqlConnection connection) =>
        [.. await connection.ColumnAsync<string>("""SELECT migration_id FROM "__EFMigrationsHistory" ORDER BY migration_id""")];

    /// <summary>
    /// What a second run could change: objects (by oid, so a drop and re-create shows), their
    /// definitions and privileges, the history rows, and the seeded rows.
    /// </summary>
    public static async Task<string> FingerprintAsync(NpgsqlConnection connection)
    {
        string[] queries =
        [
            """
            SELECT string_agg(format('%s %s %s %s %s', c.oid, c.relname, c.relkind, c.relowner::regrole, c.relacl), E'\n' ORDER BY c.relname)
            FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
            """,
            """
            SELECT string_agg(format('%s.%s %s %s %s %s', table_name, column_name, data_type, character_maximum_length, is_nullable, column_default),
                              E'\n' ORDER BY table_name, ordinal_position)
            FROM information_schema.columns WHERE table_schema = 'public'
            """,
            """
            SELECT string_agg(format('%s %s %s', oid, conname, pg_get_constraintdef(oid)), E'\n' ORDER BY conname)
            FROM pg_constraint WHERE connamespace = 'public'::regnamespace
            """,
            """
            SELECT string_agg(format('%s %s', indexrelid, pg_get_indexdef(indexrelid)), E'\n' ORDER BY indexrelid::regclass::text)
            FROM pg_index WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
            """,
            """
            SELECT string_agg(format('%s %s %s', oid, pg_get_triggerdef(oid), tgenabled), E'\n' ORDER BY tgname)
            FROM pg_trigger WHERE NOT tgisinternal
            """,
            """
            SELECT string_agg(format('%s %s %s %s', oid, oid::regprocedure, md5(prosrc), proacl), E'\n' ORDER BY oid::regprocedure::text)
            FROM pg_proc WHERE pronamespace = 'public'::regnamespace
            """,
            "SELECT string_agg(format('%s %s', extname, extversion), E'\\n' ORDER BY extname) FROM pg_extension",
            "SELECT string_agg(format('%s %s %s', defaclrole::regrole, defaclobjtype, defaclacl), E'\\n' ORDER BY defaclobjtype) FROM pg_default_acl",
            "SELECT format('%s %s', nspacl, (SELECT datacl FROM pg_database WHERE datname = current_database())) FROM pg_namespace WHERE nspname = 'public'",
            """SELECT string_agg(format('%s %s %s', migration_id, product_version, applied_at), E'\n' ORDER BY migration_id) FROM "__EFMigrationsHistory" """,
            "SELECT string_agg(format('%s %s %s %s %s', id, name, description, created_at, updated_at), E'\\n' ORDER BY name) FROM roles",
            "SELECT format('users %s, user_roles %s, incident_timers %s', (SELECT count(*) FROM users), (SELECT count(*) FROM user_roles), (SELECT count(*) FROM incident_timers))",
        ];
        var fingerprint = new StringBuilder();
        foreach (var query in queries)
        {
            fingerprint.AppendLine(await connection.ScalarAsync<string>(query));
        }
        return fingerprint.ToString();
    }
}
