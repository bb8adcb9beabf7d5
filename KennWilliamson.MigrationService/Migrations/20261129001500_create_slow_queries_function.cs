using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService.Migrations;

/// <summary>
/// pg_stat_statements in its own schema (the API's role has no access to it) and one SECURITY DEFINER
/// function, <c>slow_queries(n)</c>, that returns this database's slowest statements by mean time. The
/// worker grants EXECUTE on it to the API's role: the only window the API has on server statistics.
/// Where the extension cannot be created (no preload, no privilege), the function returns no rows.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261129001500_create_slow_queries_function")]
public sealed class CreateSlowQueriesFunction : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE SCHEMA IF NOT EXISTS monitoring;
            REVOKE ALL ON SCHEMA monitoring FROM PUBLIC;
            DO $$
            BEGIN
              IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements')
                 AND NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') THEN
                BEGIN
                  CREATE EXTENSION pg_stat_statements SCHEMA monitoring;
                EXCEPTION WHEN insufficient_privilege THEN
                  RAISE NOTICE 'pg_stat_statements not created: %', SQLERRM;
                END;
              END IF;
            END
            $$;
            """);
        migrationBuilder.Sql("""
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
                 ORDER BY s.mean_exec_time DESC LIMIT $1', ext_schema)
                USING max_rows;
            EXCEPTION WHEN object_not_in_prerequisite_state THEN
              RETURN; -- the library is not in shared_preload_libraries
            END
            $$;
            REVOKE ALL ON FUNCTION slow_queries(integer) FROM PUBLIC;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP FUNCTION IF EXISTS slow_queries(integer);");
        migrationBuilder.Sql("DROP EXTENSION IF EXISTS pg_stat_statements;");
        migrationBuilder.Sql("DROP SCHEMA IF EXISTS monitoring;");
    }
}
