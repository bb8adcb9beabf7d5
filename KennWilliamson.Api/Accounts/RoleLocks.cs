using KennWilliamson.Data;
using KennWilliamson.Data.Sql;

namespace KennWilliamson.Api.Accounts;

/// <summary>
/// A per-user transaction-level advisory lock over a user's roles. A sign-in or a refresh holds it shared while it
/// reads the roles and writes the session; a role change holds it exclusively while it changes the roles and ends
/// the user's sessions. So a session is either ended by a change or minted after it, never minted from the roles
/// before a change and left standing after it. A role change also holds its caller's lock shared: no one can revoke
/// the caller while the change is being decided.
/// <para>
/// Every transaction takes these locks before any other lock it takes (refresh-token families, rows), and two of
/// them in the order of their keys, so no two transactions wait on each other in a circle. The key is built in SQL,
/// <c>hashtextextended('user-roles:' || user_id, 0)</c>, for anything outside the API that changes roles to share.
/// </para>
/// </summary>
public static class RoleLocks
{
    /// <summary>For a sign-in or a refresh of <paramref name="userId"/>: waits out a role change in flight.</summary>
    public static Task ShareAsync(AppDbContext db, Guid userId, CancellationToken ct) =>
        db.Database.ExecuteAsync(LockSql.ShareRoleLock, ct, LockSql.ShareRoleLock.Argument(0, userId));

    /// <summary>For <paramref name="caller"/> changing <paramref name="target"/>'s roles.</summary>
    public static Task ForRoleChangeAsync(AppDbContext db, Guid caller, Guid target, CancellationToken ct) =>
        db.Database.ExecuteAsync(AccountSql.RoleChangeLocks, ct, AccountSql.RoleChangeLocks.Argument(0, caller), AccountSql.RoleChangeLocks.Argument(1, target));
}
