using KennWilliamson.Data;
using KennWilliamson.Data.Entities;
using KennWilliamson.MigrationService.Operations;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.MigrationService;

/// <summary><c>grant-admin EMAIL</c>: the only way an admin is made outside the API, since no email is ever verified.</summary>
internal static class AdminGrant
{
    public static Task GrantAsync(AppDbContext db, string email, OperatorReport report, CancellationToken ct) =>
        // The worker's connection retries transient faults; a transaction of ours runs as one retriable unit.
        db.Database.CreateExecutionStrategy().ExecuteAsync(ct, c => GrantOnceAsync(db, email.Trim(), report, c));

    private static async Task GrantOnceAsync(AppDbContext db, string email, OperatorReport report, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var userId = await db.Users.FromSql($"SELECT * FROM users WHERE lower(email) = lower({email})")
            .Select(u => (Guid?)u.Id).SingleOrDefaultAsync(ct)
            ?? throw new InvalidOperationException($"No user is registered with the email '{email}': register through the API first, then run grant-admin again.");
        // The same locks as the API's role change, so a racing sign-in waits and sees the grant.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended('user-roles:' || {userId}::text, 0))", ct);
        var granted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO user_roles (user_id, role_id)
            SELECT {userId}, r.id FROM roles r WHERE r.name = {Role.AdminRoleName}
            ON CONFLICT (user_id, role_id) DO NOTHING
            """, ct);
        if (granted == 0)
        {
            report.Line($"{email} is already an admin: nothing changed.");
            return;
        }
        await db.Database.ExecuteSqlAsync($"""
            SELECT pg_advisory_xact_lock(hashtext('refresh-family:' || f.family_id::text))
            FROM (SELECT DISTINCT family_id FROM refresh_tokens WHERE user_id = {userId} AND revoked_at IS NULL ORDER BY family_id) AS f
            """, ct);
        await db.Database.ExecuteSqlAsync($"UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = {userId} AND revoked_at IS NULL", ct);
        db.AuditEvents.Add(new AuditEvent
        {
            Action = AuditActions.RoleGranted,
            Target = $"user:{userId}",
            Details = System.Text.Json.JsonSerializer.SerializeToDocument(new { role = Role.AdminRoleName, via = "worker grant-admin" }),
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        report.Line($"Granted admin to {email} (user {userId}); recorded in the audit trail.");
    }
}
