using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService.Migrations;

/// <summary>
/// <c>slow_queries(n)</c> returns plain queries only (SELECT, INSERT, UPDATE, DELETE, WITH, MERGE, VALUES,
/// TABLE). Utility statements (ALTER ROLE, GRANT, DO blocks, SET, …) are left out: their text is kept
/// verbatim by pg_stat_statements, literals included, and a role's password is a literal in DDL.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202150000_slow_queries_without_utility_statements")]
public sealed class SlowQueriesWithoutUtilityStatements : Migration
{
    private const string PlainQueriesOnly = """
        AND s.query ~* '^\s*(select|insert|update|delete|with|merge|values|table)\M'
        """;

    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.SlowQueriesFunction(PlainQueriesOnly));

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.SlowQueriesFunction(""));
}
