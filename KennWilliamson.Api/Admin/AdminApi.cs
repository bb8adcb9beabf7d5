using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Api.Accounts;
using KennWilliamson.Data;
using KennWilliamson.Data.Sql;
using KennWilliamson.Data.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using RoleAnswer = Microsoft.AspNetCore.Http.HttpResults.Results<
    Microsoft.AspNetCore.Http.HttpResults.Ok<KennWilliamson.Api.Accounts.UserResponse>, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem,
    KennWilliamson.Api.Infrastructure.NotFoundProblem, KennWilliamson.Api.Infrastructure.ForbiddenProblem>;

namespace KennWilliamson.Api.Admin;

public static class AdminApi
{
    public const int MaxSlowQueries = 100;

    public static IServiceCollection AddAdmin(this IServiceCollection services) => services.AddScoped<RoleChanges>();

    public static RouteGroupBuilder MapAdmin(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/admin").WithTags("Admin")
            .RequireAuthorization(AdminAuthorization.Policy);

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

    private static async Task<RoleAnswer> GrantAsync(
        Guid id, string role, CurrentUser current, AppDbContext db, RoleChanges changes, UserAccounts accounts, CancellationToken ct)
    {
        var (user, roleId) = await FindAsync(id, role, db, ct);
        if (user is null || roleId is null)
        {
            return NotFound(user, role);
        }
        return await AnswerAsync(await changes.GrantAsync(current.RequiredId, user.Id, roleId.Value, role, ct), user, accounts, ct);
    }

    private static async Task<RoleAnswer> RevokeAsync(
        Guid id, string role, CurrentUser current, AppDbContext db, RoleChanges changes, UserAccounts accounts, CancellationToken ct)
    {
        var (user, roleId) = await FindAsync(id, role, db, ct);
        if (user is null || roleId is null)
        {
            return NotFound(user, role);
        }
        var me = current.RequiredId;
        if (user.Id == me && role == Role.AdminRoleName)
        {
            return ApiProblems.Invalid("role", "You cannot revoke your own admin role");
        }
        return await AnswerAsync(await changes.RevokeAsync(me, user.Id, roleId.Value, role, ct), user, accounts, ct);
    }

    /// <summary>A caller revoked mid-request gets the admin policy's 403: the revocation came first, as far as the database is concerned.</summary>
    private static async Task<RoleAnswer> AnswerAsync(
        RoleChangeOutcome outcome, User user, UserAccounts accounts, CancellationToken ct) => outcome switch
    {
        RoleChangeOutcome.CallerNotAdmin => new ForbiddenProblem(),
        RoleChangeOutcome.UserGone => new NotFoundProblem("User not found"),
        _ => TypedResults.Ok(UserResponse.From(user, await accounts.RolesOfAsync(user.Id, ct))),
    };

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
        var queries = await db.Database.Query<SlowQuery>(AdminSql.SlowQueries, AdminSql.SlowQueries.Argument(0, rows)).ToListAsync(ct);
        return TypedResults.Ok(queries);
    }

    private static async Task<(User? User, Guid? RoleId)> FindAsync(Guid id, string role, AppDbContext db, CancellationToken ct)
    {
        var found = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new { User = u, RoleId = db.Roles.Where(r => r.Name == role).Select(r => (Guid?)r.Id).SingleOrDefault() })
            .SingleOrDefaultAsync(ct);
        return (found?.User, found?.RoleId);
    }

    private static NotFoundProblem NotFound(User? user, string role) => user is null
        ? new NotFoundProblem("User not found")
        : new NotFoundProblem($"Role '{(role.Length > 50 ? role[..50] : role)}' not found");
}
