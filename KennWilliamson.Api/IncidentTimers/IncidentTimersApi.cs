using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace KennWilliamson.Api.IncidentTimers;

public static class IncidentTimersApi
{
    private const string TimerNotFound = "Timer not found";

    public static IServiceCollection AddIncidentTimers(this IServiceCollection services) => services.AddTimerWriteLimits();

    /// <summary>
    /// Short-circuited: anonymous and unlimited, so auth and the rate limiter have nothing to do (docs/benchmarks-reference.md);
    /// mapped outside the authorized group, since the framework refuses authorization metadata on such a route.
    /// </summary>
    public static IEndpointConventionBuilder MapPublicTimer(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{user_slug}/incident-timer", GetPublicAsync).WithTags("IncidentTimers").AllowAnonymous().ShortCircuit();

    public static RouteGroupBuilder MapIncidentTimers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/incident-timers").WithTags("IncidentTimers")
            .RequireAuthorization();
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync).RequireTimerWriteLimits();
        group.MapPut("/{id}", UpdateAsync).RequireTimerWriteLimits();
        group.MapDelete("/{id}", DeleteAsync).RequireTimerWriteLimits();
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
        return timer is null ? new NotFoundProblem("User not found") : TypedResults.Created($"/api/incident-timers/{timer.Id}", timer);
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
