using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// Problem results whose status is part of their type, so a handler's signature is its OpenAPI documentation
/// and cannot drift; pipeline statuses are in <see cref="CommonResponses"/>.
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

public sealed class NotFoundProblem(string error) : ApiProblemResult(ApiProblems.Create(StatusCodes.Status404NotFound, error)), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status404NotFound);
}

/// <summary>Worded like the admin policy's own 403, so a caller cannot tell the two apart.</summary>
public sealed class ForbiddenProblem() : ApiProblemResult(ApiProblems.Create(StatusCodes.Status403Forbidden, "Forbidden")), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status403Forbidden);
}

public sealed class ConflictProblem(string error) : ApiProblemResult(ApiProblems.Create(StatusCodes.Status409Conflict, error)), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status409Conflict);
}

public sealed class UnauthorizedProblem(string error) : ApiProblemResult(ApiProblems.Create(StatusCodes.Status401Unauthorized, error)), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status401Unauthorized);
}

/// <summary>Worded like the rate limiter's 429.</summary>
public sealed class TooManyRequestsProblem() : ApiProblemResult(RateLimits.TooManyRequests()), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status429TooManyRequests);
}
