using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KennWilliamson.MigrationService.Migrations;

/// <inheritdoc />
public partial class CreateAuditEventsTable : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "audit_events",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "uuid_generate_v7()"),
                occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                actor_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                target = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                client_address = table.Column<IPAddress>(type: "inet", nullable: true),
                user_agent = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                details = table.Column<JsonDocument>(type: "jsonb", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_audit_events", x => x.id);
            });

        migrationBuilder.CreateIndex(
            name: "ix_audit_events_actor_user_id",
            table: "audit_events",
            column: "actor_user_id");

        migrationBuilder.CreateIndex(
            name: "ix_audit_events_occurred_at",
            table: "audit_events",
            column: "occurred_at",
            descending: []);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "audit_events");
    }
}
