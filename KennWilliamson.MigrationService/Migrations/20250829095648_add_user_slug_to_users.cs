using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService.Migrations;

/// <summary>The original's third migration: the public slug of each user.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20250829095648_add_user_slug_to_users")]
public sealed class AddUserSlugToUsers : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "slug", table: "users", type: "character varying(255)", maxLength: 255, nullable: true);
        // Users that exist already get a unique slug (their id) so the column can be NOT NULL and unique.
        migrationBuilder.Sql("UPDATE users SET slug = id::text WHERE slug IS NULL;");
        migrationBuilder.AlterColumn<string>(name: "slug", table: "users", type: "character varying(255)", maxLength: 255,
            nullable: false, oldClrType: typeof(string), oldType: "character varying(255)", oldMaxLength: 255, oldNullable: true);
        migrationBuilder.CreateIndex(name: "ix_users_slug", table: "users", column: "slug", unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "ix_users_slug", table: "users");
        migrationBuilder.DropColumn(name: "slug", table: "users");
    }
}
