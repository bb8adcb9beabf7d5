using KennWilliamson.Data;
using KennWilliamson.Data.Sql;

namespace KennWilliamson.Api.Accounts;

/// <summary>
/// Per-user advisory lock over roles: sign-ins share it, role changes take it exclusively, so no session outlives
/// a change. Taken before any other lock, two in key order (docs/authentication.md).
/// </summary>
public static class RoleLocks
{
    public static Task ShareAsync(AppDbContext db, Guid userId, CancellationToken ct) =>
        db.Database.ExecuteAsync(LockSql.ShareRoleLock, ct, LockSql.ShareRoleLock.Argument(0, userId));

    public static Task ForRoleChangeAsync(AppDbContext db, Guid caller, Guid target, CancellationToken ct) =>
        db.Database.ExecuteAsync(AccountSql.RoleChangeLocks, ct, AccountSql.RoleChangeLocks.Argument(0, caller), AccountSql.RoleChangeLocks.Argument(1, target));
}
