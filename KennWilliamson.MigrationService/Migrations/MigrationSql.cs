using System.Reflection;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService.Migrations;

/// <summary>SQL that several migrations share: the UUIDv7 functions and the updated_at trigger.</summary>
internal static class MigrationSql
{
    /// <summary>
    /// pg_uuidv7 where the server has it (the container image), otherwise the portable functions of
    /// <c>postgres/uuidv7.sql</c> with the same names and results (local mode, managed services). On
    /// PostgreSQL 18 and later, <c>uuid_generate_v7()</c> (the column defaults' function) then calls the
    /// server's built-in C <c>uuidv7()</c> (monotonic per backend, RFC 9562 method 3), decided when the
    /// migration runs; the conversion functions stay the portable ones.
    /// </summary>
    public static void InstallUuidV7(this MigrationBuilder migration) => migration.Sql(InstallUuidV7Sql);

    /// <summary>The SQL of <see cref="InstallUuidV7"/> (also used when adopting the original database).</summary>
    public static string InstallUuidV7Sql => $"""
        DO $install$
        BEGIN
          IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_uuidv7') THEN
            CREATE EXTENSION IF NOT EXISTS pg_uuidv7;
          ELSE
            EXECUTE $portable${Embedded("uuidv7.sql")}$portable$;
            IF current_setting('server_version_num')::int >= 180000 THEN
              CREATE OR REPLACE FUNCTION uuid_generate_v7() RETURNS uuid
                LANGUAGE sql VOLATILE PARALLEL SAFE AS 'SELECT pg_catalog.uuidv7()';
              COMMENT ON FUNCTION uuid_generate_v7() IS
                'RFC 9562 UUIDv7 from the server''s built-in uuidv7() (PostgreSQL 18+): 48-bit unix ms, 12-bit sub-ms fraction, ascending per backend';
            END IF;
          END IF;
        END
        $install$;
        """;

    public static void DropUuidV7(this MigrationBuilder migration)
    {
        migration.Sql("DROP EXTENSION IF EXISTS pg_uuidv7;");
        migration.Sql(Embedded("uuidv7-drop.sql"));
    }

    /// <summary>The one trigger function behind every <c>updated_at</c> column.</summary>
    public static void CreateUpdatedAtFunction(this MigrationBuilder migration) => migration.Sql(UpdatedAtFunctionSql);

    public const string UpdatedAtFunctionSql = """
        CREATE OR REPLACE FUNCTION update_updated_at_column() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          NEW.updated_at = now();
          RETURN NEW;
        END;
        $$;
        """;

    public static void CreateUpdatedAtTrigger(this MigrationBuilder migration, string table) => migration.Sql($"""
        CREATE TRIGGER update_{table}_updated_at
          BEFORE UPDATE ON {table}
          FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
        """);

    private static string Embedded(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded SQL '{name}' is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// <c>slow_queries(n)</c>: this database's statements from pg_stat_statements, slowest mean first, with
    /// <paramref name="filter"/> (an <c>AND …</c> clause over <c>s</c>) added to the WHERE.
    /// </summary>
    public static string SlowQueriesFunction(string filter) => $$"""
        CREATE OR REPLACE FUNCTION slow_queries(max_rows integer)
        RETURNS TABLE (query text, calls bigint, mean_exec_time_ms double precision, total_exec_time_ms double precision)
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog
        AS $$
        DECLARE
          ext_schema name;
        BEGIN
          SELECT n.nspname INTO ext_schema
          FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
          WHERE e.extname = 'pg_stat_statements';
          IF ext_schema IS NULL THEN
            RETURN;
          END IF;
          RETURN QUERY EXECUTE format(
            'SELECT s.query, s.calls, s.mean_exec_time, s.total_exec_time FROM %I.pg_stat_statements s
             WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
             {{filter.Replace("'", "''", StringComparison.Ordinal)}}
             ORDER BY s.mean_exec_time DESC LIMIT $1', ext_schema)
            USING max_rows;
        EXCEPTION WHEN object_not_in_prerequisite_state THEN
          RETURN; -- the library is not in shared_preload_libraries
        END
        $$;
        REVOKE ALL ON FUNCTION slow_queries(integer) FROM PUBLIC;
        """;
}
