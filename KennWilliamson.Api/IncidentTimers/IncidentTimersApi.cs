using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KennWilliamson.Api.IncidentTimers;

/// <summary>The caller's timers (bearer token), and any user's newest timer by slug (public).</summary>
public static class IncidentTimersApi
{
    private const string TimerNotFound = "Timer not found";

    /// <summary>Timer create, update and delete are limited per account (429 with Retry-After), so no history grows unbounded.</summary>
    public static IServiceCollection AddIncidentTimers(this IServiceCollection services) => services.AddTimerWriteLimits();

    /// <summary>
    /// Any user's newest timer by slug. The hot public read runs inside routing (ShortCircuit): it is anonymous,
    /// not rate limited and CORS is applied before routing, so authentication, authorization and the rate limiter
    /// have nothing to do for it (docs/benchmarks-reference.md); its filters still run. The framework refuses
    /// authorization metadata on such a route, so it is mapped outside the group that asks for a caller.
    /// </summary>
    public static IEndpointConventionBuilder MapPublicTimer(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{user_slug}/incident-timer", GetPublicAsync).WithTags("IncidentTimers").AllowAnonymous().ShortCircuit();

    public static RouteGroupBuilder MapIncidentTimers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/incident-timers").WithTags("IncidentTimers")
            .RequireAuthorization();
        group.MapGet("/", ListAsync);
        // Writes: per-account limit (TimerWriteLimits), answered 429 with Retry-After.
        group.MapPost("/", CreateAsync).RequireRateLimiting(TimerWriteLimitOptions.Policy);
        group.MapPut("/{id}", UpdateAsync).RequireRateLimiting(TimerWriteLimitOptions.Policy);
        group.MapDelete("/{id}", DeleteAsync).RequireRateLimiting(TimerWriteLimitOptions.Policy);
        return group;
    }

    private static async Task<Results<Ok<PublicTimerResponse>, NotFoundProblem>> GetPublicAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "user_slug")] string userSlug, NpgsqlDataSource database, CancellationToken ct)
    {
        var timer = await TimerQueries.NewestBySlugAsync(database, userSlug, ct);
        return timer is null
            ? new NotFoundProblem("No timer found for this user")
            : TypedResults.Ok(timer);
    }

    /// <summary>The newest <c>limit</c> timers (default 100), older ones page by page with <c>before</c>; still a JSON array.</summary>
    private static async Task<Ok<List<TimerResponse>>> ListAsync(
        [AsParameters] TimerPageRequest page, CurrentUser caller, NpgsqlDataSource database, HttpContext http, CancellationToken ct)
    {
        var timers = await TimerQueries.PageAsync(database, caller.RequiredId, page.PageSize, page.Before, ct);
        if (TimerPageRequest.NextLink(http.Request, timers, page.PageSize) is { } next)
        {
            http.Response.Headers.Link = next;
        }
        return TypedResults.Ok(timers);
    }

    private static async Task<Results<Created<TimerResponse>, NotFoundProblem>> CreateAsync(
        TimerRequest request, CurrentUser caller, NpgsqlDataSource database, TimeProvider time, CancellationToken ct)
    {
        var timer = await TimerQueries.CreateAsync(database, caller.RequiredId, TimerRequest.ToStored(request.ResetTimestamp ?? time.GetUtcNow()), request.Notes, ct);
        return timer is null
            ? new NotFoundProblem("User not found") // a valid token of a deleted account
            : TypedResults.Created($"/api/incident-timers/{timer.Id}", timer);
    }

    private static async Task<Results<Ok<TimerResponse>, NotFoundProblem>> UpdateAsync(
        Guid id, TimerRequest request, CurrentUser caller, AppDbContext db, CancellationToken ct)
    {
        var me = caller.RequiredId;
        var timer = await db.IncidentTimers.SingleOrDefaultAsync(t => t.Id == id && t.UserId == me, ct);
        if (timer is null)
        {
            return new NotFoundProblem(TimerNotFound);
        }
        if (request.ResetTimestamp is { } reset)
        {
            timer.ResetTimestamp = TimerRequest.ToStored(reset);
        }
        if (request.Notes is not null)
        {
            timer.Notes = request.Notes;
        }
        await db.SaveChangesAsync(ct); // the trigger moves updated_at; EF reads it back
        return TypedResults.Ok(TimerResponse.From(timer));
    }

    private static async Task<Results<NoContent, NotFoundProblem>> DeleteAsync(
        Guid id, CurrentUser caller, AppDbContext db, CancellationToken ct)
    {
        var me = caller.RequiredId;
        var deleted = await db.IncidentTimers.Where(t => t.Id == id && t.UserId == me).ExecuteDeleteAsync(ct);
        return deleted == 0 ? new NotFoundProblem(TimerNotFound) : TypedResults.NoContent();
    }
}
