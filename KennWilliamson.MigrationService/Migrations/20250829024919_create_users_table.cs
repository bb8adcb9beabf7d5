using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService.Migrations;

/// <summary>The original's first migration: UUIDv7 functions, the updated_at trigger function, users.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20250829024919_create_users_table")]
public sealed class CreateUsersTable : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.InstallUuidV7();
        migrationBuilder.CreateUpdatedAtFunction();

        migrationBuilder.CreateTable(
            name: "users",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "uuid_generate_v7()"),
                email = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                password_hash = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                display_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
            },
            constraints: table => table.PrimaryKey("pk_users", x => x.id));

        // Unique regardless of letter case; also covers exact duplicates, so there is no second index.
        migrationBuilder.Sql("CREATE UNIQUE INDEX ux_users_email_lower ON users (lower(email));");
        migrationBuilder.CreateUpdatedAtTrigger("users");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "users");
        migrationBuilder.Sql("DROP FUNCTION IF EXISTS update_updated_at_column();");
        migrationBuilder.DropUuidV7();
    }
}
