using KennWilliamson.Api.Auth;
using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Api.Users;
using KennWilliamson.Data;
using KennWilliamson.Data.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.Api.Admin;

/// <summary>
/// Administration: users and their roles, the audit trail, slow queries. Admins only, as the database says at
/// the time of the request (403 otherwise; AdminAuthorization).
/// </summary>
public static class AdminApi
{
    public const int MaxSlowQueries = 100;

    public static RouteGroupBuilder MapAdmin(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/admin").WithTags("Admin")
            .RequireAuthorization(AdminAuthorization.Policy)
            .AddEndpointFilter<ValidationFilter>();

        group.MapGet("/users", ListUsersAsync);
        group.MapPut("/users/{id}/roles/{role}", GrantAsync);
        group.MapDelete("/users/{id}/roles/{role}", RevokeAsync);
        group.MapGet("/audit-events", ListAuditEventsAsync);
        group.MapGet("/slow-queries", SlowQueriesAsync);
        return group;
    }

    private static async Task<Ok<UserPage>> ListUsersAsync([AsParameters] PageQuery query, AppDbContext db, CancellationToken ct)
    {
        var paging = Paging.From(query);
        var total = await db.Users.CountAsync(ct);
        var users = await db.Users.AsNoTracking()
            .OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Skip(paging.Skip).Take(paging.PageSize)
            .Select(u => new { User = u, Roles = u.Roles.OrderBy(r => r.Role!.Name).Select(r => r.Role!.Name).ToList() })
            .ToListAsync(ct);
        return TypedResults.Ok(new UserPage(paging.Page, paging.PageSize, total, users.Select(x => UserResponse.From(x.User, x.Roles)).ToList()));
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, NotFoundProblem>> GrantAsync(
        string id, string role, CurrentUser current, AppDbContext db, AuditLog audit, UserAccounts accounts, RefreshTokenStore refreshTokens, CancellationToken ct)
    {
        if (await FindAsync(id, role, db, ct) is not ({ } user, { } roleId))
        {
            return await NotFoundOrInvalidAsync(id, role, db, ct);
        }
        var me = current.RequiredId;
        // Idempotent, and safe when two admins grant the same role at once: the unique index decides.
        // The change, the end of the user's sessions and the audit row commit together or not at all.
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var added = await db.Database.ExecuteSqlAsync(
                $"INSERT INTO user_roles (user_id, role_id, assigned_by) VALUES ({user.Id}, {roleId}, {me}) ON CONFLICT (user_id, role_id) DO NOTHING", ct);
            if (added > 0)
            {
                await RoleChangedAsync(AuditActions.RoleGranted, me, user.Id, role, audit, refreshTokens, ct);
            }
            await tx.CommitAsync(ct);
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.ForeignKeyViolation)
        {
            // The user was deleted since it was found, or the granting admin's account was deleted after the
            // policy found it an admin: nothing was granted.
            return new NotFoundProblem("User not found");
        }
        return TypedResults.Ok(UserResponse.From(user, await accounts.RolesOfAsync(user.Id, ct)));
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, NotFoundProblem>> RevokeAsync(
        string id, string role, CurrentUser current, AppDbContext db, AuditLog audit, UserAccounts accounts, RefreshTokenStore refreshTokens, CancellationToken ct)
    {
        if (await FindAsync(id, role, db, ct) is not ({ } user, { } roleId))
        {
            return await NotFoundOrInvalidAsync(id, role, db, ct);
        }
        var me = current.RequiredId;
        if (user.Id == me && role == Role.AdminRoleName)
        {
            return ApiProblems.Invalid("role", "You cannot revoke your own admin role");
        }
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var removed = await db.UserRoles.Where(ur => ur.UserId == user.Id && ur.RoleId == roleId).ExecuteDeleteAsync(ct);
            if (removed > 0)
            {
                await RoleChangedAsync(AuditActions.RoleRevoked, me, user.Id, role, audit, refreshTokens, ct);
            }
            await tx.CommitAsync(ct);
        }
        return TypedResults.Ok(UserResponse.From(user, await accounts.RolesOfAsync(user.Id, ct)));
    }

    /// <summary>
    /// Inside the change's transaction: every refresh-token family of the user is revoked, so no session
    /// signed in with the old roles goes on (the next refresh is refused and a new sign-in reads the roles as
    /// they are now), and the audit row is written.
    /// </summary>
    private static async Task RoleChangedAsync(string action, Guid me, Guid userId, string role, AuditLog audit, RefreshTokenStore refreshTokens, CancellationToken ct)
    {
        await refreshTokens.RevokeAllOfUserAsync(userId, ct);
        await audit.WriteAsync(action, me, $"user:{userId}", new { role }, ct);
    }

    private static async Task<Ok<AuditEventPage>> ListAuditEventsAsync([AsParameters] PageQuery query, AppDbContext db, CancellationToken ct)
    {
        var paging = Paging.From(query);
        var total = await db.AuditEvents.CountAsync(ct);
        var events = await db.AuditEvents.AsNoTracking()
            .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id)
            .Skip(paging.Skip).Take(paging.PageSize)
            .ToListAsync(ct);
        return TypedResults.Ok(new AuditEventPage(paging.Page, paging.PageSize, total, events.Select(e => new AuditEventResponse(
            e.Id, e.OccurredAt, e.ActorUserId, e.Action, e.Target, e.ClientAddress?.ToString(), e.UserAgent, e.Details?.RootElement.Clone())).ToList()));
    }

    private static async Task<Ok<List<SlowQuery>>> SlowQueriesAsync(int? limit, AppDbContext db, CancellationToken ct)
    {
        var rows = Math.Clamp(limit ?? 20, 1, MaxSlowQueries);
        var queries = await db.Database
            // Columns come back snake_case, which is what the naming convention maps SlowQuery's properties to.
            .SqlQuery<SlowQuery>($"SELECT query, calls, mean_exec_time_ms, total_exec_time_ms FROM slow_queries({rows})")
            .ToListAsync(ct);
        return TypedResults.Ok(queries);
    }

    private static async Task<(User?, Guid?)> FindAsync(string id, string role, AppDbContext db, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var userId))
        {
            return (null, null);
        }
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        var roleId = await db.Roles.Where(r => r.Name == role).Select(r => (Guid?)r.Id).SingleOrDefaultAsync(ct);
        return (user, roleId);
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, NotFoundProblem>> NotFoundOrInvalidAsync(string id, string role, AppDbContext db, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var userId))
        {
            return ApiProblems.Invalid("id", "id must be a UUID");
        }
        return await db.Users.AnyAsync(u => u.Id == userId, ct)
            ? new NotFoundProblem($"Role '{(role.Length > 50 ? role[..50] : role)}' not found")
            : new NotFoundProblem("User not found");
    }
}
