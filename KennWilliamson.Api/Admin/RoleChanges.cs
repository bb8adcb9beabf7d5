using KennWilliamson.Api.Accounts;
using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Data;
using KennWilliamson.Data.Sql;
using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KennWilliamson.Api.Admin;

public enum RoleChangeOutcome
{
    Changed,
    Unchanged,
    CallerNotAdmin,
    UserGone,
}

/// <summary>
/// Re-checks under lock, in the change's own transaction, that the caller is still an admin: a request past the
/// admin policy must not commit after its sender's revocation (docs/security.md).
/// </summary>
public sealed class RoleChanges(AppDbContext db, AuditLog audit, RefreshTokenStore refreshTokens)
{
    // Locks are taken in one order, so a deadlock needs a writer outside the API; retrying decides afresh.
    private const int Attempts = 3;

    public Task<RoleChangeOutcome> GrantAsync(Guid caller, Guid userId, Guid roleId, string role, CancellationToken ct) =>
        // Idempotent under concurrent grants: the unique index decides.
        ChangeAsync(caller, userId, role, AuditActions.RoleGranted, () => db.Database.ExecuteAsync(AdminSql.GrantRole, ct,
            AdminSql.GrantRole.Argument(0, userId), AdminSql.GrantRole.Argument(1, roleId), AdminSql.GrantRole.Argument(2, caller)), ct);

    public Task<RoleChangeOutcome> RevokeAsync(Guid caller, Guid userId, Guid roleId, string role, CancellationToken ct) =>
        ChangeAsync(caller, userId, role, AuditActions.RoleRevoked, () =>
            db.UserRoles.Where(ur => ur.UserId == userId && ur.RoleId == roleId).ExecuteDeleteAsync(ct), ct);

    private async Task<RoleChangeOutcome> ChangeAsync(Guid caller, Guid userId, string role, string action, Func<Task<int>> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ChangeOnceAsync(caller, userId, role, action, change, ct);
            }
            catch (Exception ex) when (SqlState(ex) == PostgresErrorCodes.ForeignKeyViolation)
            {
                // Deleted since it was found (the caller's own row was checked under lock).
                return RoleChangeOutcome.UserGone;
            }
            catch (Exception ex) when (SqlState(ex) is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < Attempts)
            {
                // The failed attempt's audit row is still tracked; it must not be saved by the next one.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<RoleChangeOutcome> ChangeOnceAsync(Guid caller, Guid userId, string role, string action, Func<Task<int>> change, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await RoleLocks.ForRoleChangeAsync(db, caller, userId, ct);
        if (!await LockCallersAdminRowAsync(caller, ct))
        {
            return RoleChangeOutcome.CallerNotAdmin;
        }
        if (await change() == 0)
        {
            return RoleChangeOutcome.Unchanged;
        }
        await refreshTokens.RevokeAllOfUserAsync(userId, ct);
        await audit.WriteAsync(action, caller, $"user:{userId}", new { role }, ct);
        await tx.CommitAsync(ct);
        return RoleChangeOutcome.Changed;
    }

    /// <summary>Locks the caller's admin row FOR SHARE, so a DELETE of it, from any source, waits for this change.</summary>
    private async Task<bool> LockCallersAdminRowAsync(Guid caller, CancellationToken ct) =>
        (await db.Database.Query<int>(AdminSql.CallersAdminRow,
            AdminSql.CallersAdminRow.Argument(0, caller), AdminSql.CallersAdminRow.Argument(1, Role.AdminRoleName)).ToListAsync(ct)).Count > 0;

    private static string? SqlState(Exception ex) =>
        (ex as PostgresException ?? ex.InnerException as PostgresException)?.SqlState;
}
