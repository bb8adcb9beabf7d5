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
        migrationBuilder.Sql(MigrationSql.SlowQueriesFunction(""));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP FUNCTION IF EXISTS slow_queries(integer);");
        migrationBuilder.Sql("DROP EXTENSION IF EXISTS pg_stat_statements;");
        migrationBuilder.Sql("DROP SCHEMA IF EXISTS monitoring;");
    }
}
