using System.Security.Claims;
using KennWilliamson.Api.Auth;
using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace KennWilliamson.Api.IncidentTimers;

/// <summary>The caller's timers (bearer token), and any user's newest timer by slug (public).</summary>
public static class IncidentTimersApi
{
    private const string TimerNotFound = "Timer not found";

    public static RouteGroupBuilder MapIncidentTimers(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/{user_slug}/incident-timer", GetPublicAsync).WithTags("IncidentTimers").AllowAnonymous()
            .ProducesProblem(StatusCodes.Status404NotFound);

        var group = routes.MapGroup("/incident-timers").WithTags("IncidentTimers")
            .RequireAuthorization()
            .AddEndpointFilter<ValidationFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/", ListAsync).ProducesValidationProblem();
        // Writes: per-account limit (TimerWriteLimits), answered 429 with Retry-After.
        group.MapPost("/", CreateAsync).ProducesValidationProblem()
            .RequireRateLimiting(TimerWriteLimitOptions.Policy).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapPut("/{id}", UpdateAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireRateLimiting(TimerWriteLimitOptions.Policy).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapDelete("/{id}", DeleteAsync).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireRateLimiting(TimerWriteLimitOptions.Policy).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return group;
    }

    private static async Task<Results<Ok<PublicTimerResponse>, ProblemHttpResult>> GetPublicAsync(
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "user_slug")] string userSlug, AppDbContext db, CancellationToken ct)
    {
        var timer = await TimerQueries.NewestBySlugAsync(db, userSlug, ct);
        return timer is null
            ? ApiProblems.Problem(StatusCodes.Status404NotFound, "No timer found for this user")
            : TypedResults.Ok(timer);
    }

    /// <summary>The newest <c>limit</c> timers (default 100), older ones page by page with <c>before</c>; still a JSON array.</summary>
    private static async Task<Ok<List<TimerResponse>>> ListAsync(
        [AsParameters] TimerPageRequest page, ClaimsPrincipal principal, AppDbContext db, HttpContext http, CancellationToken ct)
    {
        var timers = await TimerQueries.PageAsync(db, Caller(principal), page.PageSize, page.Cursor, ct);
        if (TimerPageRequest.NextLink(http.Request, timers, page.PageSize) is { } next)
        {
            http.Response.Headers.Link = next;
        }
        return TypedResults.Ok(timers);
    }

    private static async Task<Results<Created<TimerResponse>, ProblemHttpResult>> CreateAsync(
        TimerRequest request, ClaimsPrincipal principal, AppDbContext db, TimeProvider time, CancellationToken ct)
    {
        var timer = await TimerInserts.CreateAsync(db, Caller(principal), TimerRequest.ToStored(request.ResetTimestamp ?? time.GetUtcNow()), request.Notes, ct);
        return timer is null
            ? ApiProblems.Problem(StatusCodes.Status404NotFound, "User not found") // a valid token of a deleted account
            : TypedResults.Created($"/api/incident-timers/{timer.Id}", timer);
    }

    private static async Task<Results<Ok<TimerResponse>, ProblemHttpResult>> UpdateAsync(
        string id, TimerRequest request, ClaimsPrincipal principal, AppDbContext db, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var timerId))
        {
            return InvalidId();
        }
        var me = Caller(principal);
        var timer = await db.IncidentTimers.SingleOrDefaultAsync(t => t.Id == timerId && t.UserId == me, ct);
        if (timer is null)
        {
            return ApiProblems.Problem(StatusCodes.Status404NotFound, TimerNotFound);
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

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ClaimsPrincipal principal, AppDbContext db, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var timerId))
        {
            return InvalidId();
        }
        var me = Caller(principal);
        var deleted = await db.IncidentTimers.Where(t => t.Id == timerId && t.UserId == me).ExecuteDeleteAsync(ct);
        return deleted == 0 ? ApiProblems.Problem(StatusCodes.Status404NotFound, TimerNotFound) : TypedResults.NoContent();
    }

    private static ProblemHttpResult InvalidId() => TypedResults.Problem(ApiProblems.Field("id", "id must be a UUID"));

    /// <summary>The authenticated caller; the bearer handler has already checked the token's signature and lifetime.</summary>
    private static Guid Caller(ClaimsPrincipal principal) =>
        TokenService.UserId(principal) ?? throw new InvalidOperationException("An authenticated request carries no user id.");
}
