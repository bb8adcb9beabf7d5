using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService.Migrations;

/// <summary>
/// The shared limits moved to Redis: a take in PostgreSQL wrote a row per limited request (docs/deploy.md says what
/// that cost). Counts are worth nothing across the move, so nothing is copied.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261206000000_drop_rate_limit_counters")]
public sealed class DropRateLimitCounters : Migration
{
    internal const string Sql = """
        DROP FUNCTION IF EXISTS rate_limit_take(text, interval, integer, integer, integer);
        DROP TABLE IF EXISTS rate_limit_counters;
        """;

    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(Sql);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(CreateRateLimitCounters.Sql);
}
