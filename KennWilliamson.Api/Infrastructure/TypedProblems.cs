using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// Problem results whose status is part of their type. A handler returning
/// <c>Results&lt;Ok&lt;T&gt;, NotFoundProblem&gt;</c> can answer nothing else (the compiler checks it), and the
/// signature is its OpenAPI documentation: each type adds its status to the endpoint's metadata, so no
/// hand-kept <c>.ProducesProblem(...)</c> list can drift from what the handler does. The body is the
/// API's problem details with <c>error</c> (<see cref="ApiProblems"/>). Statuses the pipeline answers
/// whatever the handler does (401, 403, 413, 415, 429, 503, ...) are documented by <see cref="CommonResponses"/>.
/// </summary>
public abstract class ApiProblemResult(ProblemDetails problem) : IResult, IStatusCodeHttpResult, IValueHttpResult<ProblemDetails>, IValueHttpResult
{
    public ProblemDetails Value { get; } = problem;

    object? IValueHttpResult.Value => Value;

    public int? StatusCode => Value.Status;

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Problem(Value).ExecuteAsync(httpContext);

    protected static void Produces(EndpointBuilder builder, int status)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
    }
}

/// <summary>404 with the API's problem body.</summary>
public sealed class NotFoundProblem(string error) : ApiProblemResult(ApiProblems.Create(StatusCodes.Status404NotFound, error)), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status404NotFound);
}

/// <summary>
/// 403 decided by the handler: a caller the admin policy let through but who was no longer an admin when the
/// change came to be decided. Worded like the policy's own 403, so neither tells the two apart.
/// </summary>
public sealed class ForbiddenProblem() : ApiProblemResult(ApiProblems.Create(StatusCodes.Status403Forbidden, "Forbidden")), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status403Forbidden);
}

/// <summary>409 with the API's problem body.</summary>
public sealed class ConflictProblem(string error) : ApiProblemResult(ApiProblems.Create(StatusCodes.Status409Conflict, error)), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status409Conflict);
}

/// <summary>401 decided by the handler (wrong credentials, a spent refresh token), not by the bearer scheme.</summary>
public sealed class UnauthorizedProblem(string error) : ApiProblemResult(ApiProblems.Create(StatusCodes.Status401Unauthorized, error)), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status401Unauthorized);
}

/// <summary>429 decided by the handler (the per-account failed-login limit), worded like the rate limiter's.</summary>
public sealed class TooManyRequestsProblem() : ApiProblemResult(RateLimits.TooManyRequests()), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status429TooManyRequests);
}
