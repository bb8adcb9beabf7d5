using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService.Migrations;

/// <summary>The original's second migration: roles (seeded with user and admin) and user_roles.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20250829025210_create_roles_table")]
public sealed class CreateRolesTable : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "roles",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "uuid_generate_v7()"),
                name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                description = table.Column<string>(type: "text", nullable: true),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
            },
            constraints: table => table.PrimaryKey("pk_roles", x => x.id));
        migrationBuilder.CreateIndex(name: "ix_roles_name", table: "roles", column: "name", unique: true);
        migrationBuilder.CreateUpdatedAtTrigger("roles");

        migrationBuilder.Sql("""
            INSERT INTO roles (name, description) VALUES
              ('user', 'Standard user with basic permissions'),
              ('admin', 'Administrator with full permissions')
            ON CONFLICT (name) DO NOTHING;
            """);

        migrationBuilder.CreateTable(
            name: "user_roles",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "uuid_generate_v7()"),
                user_id = table.Column<Guid>(type: "uuid", nullable: false),
                role_id = table.Column<Guid>(type: "uuid", nullable: false),
                assigned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                assigned_by = table.Column<Guid>(type: "uuid", nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_user_roles", x => x.id);
                table.ForeignKey("fk_user_roles_users_user_id", x => x.user_id, "users", "id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("fk_user_roles_roles_role_id", x => x.role_id, "roles", "id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("fk_user_roles_users_assigned_by", x => x.assigned_by, "users", "id", onDelete: ReferentialAction.SetNull);
            });
        // The unique (user_id, role_id) index also serves lookups and cascades by user_id.
        migrationBuilder.CreateIndex(name: "ix_user_roles_user_id_role_id", table: "user_roles", columns: ["user_id", "role_id"], unique: true);
        migrationBuilder.CreateIndex(name: "ix_user_roles_role_id", table: "user_roles", column: "role_id");
        migrationBuilder.CreateIndex(name: "ix_user_roles_assigned_by", table: "user_roles", column: "assigned_by");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "user_roles");
        migrationBuilder.DropTable(name: "roles");
    }
}
