using KennWilliamson.Data;
using KennWilliamson.Data.Entities;
using KennWilliamson.Data.Sql;
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
        var userId = await db.Users.WithEmail(email)
            .Select(u => (Guid?)u.Id).SingleOrDefaultAsync(ct)
            ?? throw new InvalidOperationException($"No user is registered with the email '{email}': register through the API first, then run grant-admin again.");
        // The same locks as the API's role change, so a racing sign-in waits and sees the grant.
        await db.Database.ExecuteAsync(LockSql.RoleLock, ct, LockSql.RoleLock.Argument(0, userId));
        var granted = await db.Database.ExecuteAsync(OperatorSql.GrantRole, ct, OperatorSql.GrantRole.Argument(0, userId), OperatorSql.GrantRole.Argument(1, Role.AdminRoleName));
        if (granted == 0)
        {
            report.Line($"{email} is already an admin: nothing changed.");
            return;
        }
        await db.Database.ExecuteAsync(LockSql.UserFamiliesLock, ct, LockSql.UserFamiliesLock.Argument(0, userId));
        await db.Database.ExecuteAsync(OperatorSql.RevokeSessions, ct, OperatorSql.RevokeSessions.Argument(0, userId));
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
