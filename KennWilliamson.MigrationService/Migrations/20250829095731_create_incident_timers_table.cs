using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService.Migrations;

/// <summary>The original's fourth migration: incident timers.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20250829095731_create_incident_timers_table")]
public sealed class CreateIncidentTimersTable : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "incident_timers",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "uuid_generate_v7()"),
                user_id = table.Column<Guid>(type: "uuid", nullable: false),
                reset_timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                notes = table.Column<string>(type: "text", nullable: true),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_incident_timers", x => x.id);
                table.ForeignKey("fk_incident_timers_users_user_id", x => x.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
            });
        // "A user's timers, newest first", and the user_id foreign key's index.
        migrationBuilder.CreateIndex(name: "idx_incident_timers_user_reset", table: "incident_timers",
            columns: ["user_id", "reset_timestamp"], descending: [false, true]);
        migrationBuilder.CreateUpdatedAtTrigger("incident_timers");
    }

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropTable(name: "incident_timers");
}
