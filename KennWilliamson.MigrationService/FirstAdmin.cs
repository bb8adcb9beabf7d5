using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.MigrationService;

/// <summary>
/// The first admin comes from configuration of this worker (<c>Admin:Email</c>, which the AppHost passes
/// on), never from the API: on every run, the user with that email gets the <c>admin</c> role if they
/// exist and lack it. Register through the API first, then restart the worker (dashboard: migrations →
/// Start) or run it by hand.
/// </summary>
internal static class FirstAdmin
{
    public const string EmailKey = "Admin:Email";

    public static async Task EnsureAsync(AppDbContext db, string? email, ILogger logger, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return;
        }
        var granted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO user_roles (user_id, role_id)
            SELECT u.id, r.id FROM users u CROSS JOIN roles r
            WHERE lower(u.email) = lower({email.Trim()}) AND r.name = 'admin'
            ON CONFLICT (user_id, role_id) DO NOTHING
            """, ct);
        var exists = await db.Users.FromSql($"SELECT * FROM users WHERE lower(email) = lower({email.Trim()})").AnyAsync(ct);
        if (!exists)
        {
            logger.LogWarning("Admin:Email is {Email}, but no such user exists yet: register it, then run the worker again.", email);
        }
        else
        {
            logger.LogInformation(granted > 0 ? "Granted admin to {Email}." : "{Email} is already an admin.", email);
        }
    }
}
