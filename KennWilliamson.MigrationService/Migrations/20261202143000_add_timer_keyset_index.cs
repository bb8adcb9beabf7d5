using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace KennWilliamson.MigrationService.Migrations;

/// <summary>
/// Replaces <c>(user_id, reset_timestamp DESC)</c> with <c>(user_id, reset_timestamp DESC, id DESC)</c>:
/// the same newest-first order for the public read, plus <c>id</c> as the tie-break, so the timer
/// list's keyset cursor <c>(reset_timestamp, id) &lt; (…)</c> is an index condition and each page reads
/// only its own rows. It still serves the user_id foreign key. Plain CREATE INDEX (a short write lock
/// on incident_timers): migrations run in a transaction, which CONCURRENTLY cannot.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202143000_add_timer_keyset_index")]
public sealed class AddTimerKeysetIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateIndex(name: "idx_incident_timers_user_reset_id", table: "incident_timers",
            columns: ["user_id", "reset_timestamp", "id"], descending: [false, true, true]);
        migrationBuilder.DropIndex(name: "idx_incident_timers_user_reset", table: "incident_timers");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateIndex(name: "idx_incident_timers_user_reset", table: "incident_timers",
            columns: ["user_id", "reset_timestamp"], descending: [false, true]);
        migrationBuilder.DropIndex(name: "idx_incident_timers_user_reset_id", table: "incident_timers");
    }
}
