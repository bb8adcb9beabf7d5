using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// Turns exceptions into problem details: unreadable requests into 400 naming the field, an unreachable
/// database into 503 with Retry-After, anything else into a 500 without internals.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => BadRequest(bad),
            _ when IsDatabaseUnavailable(exception) => ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "Service temporarily unavailable"),
            _ => null,
        };

        if (problem is null)
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", context.Request.Method, context.Request.Path);
            problem = ApiProblems.Create(StatusCodes.Status500InternalServerError, "Internal server error");
        }
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning("Database unavailable on {Method} {Path}: {Message}", context.Request.Method, context.Request.Path, exception.Message);
            context.Response.Headers.RetryAfter = "5";
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static Microsoft.AspNetCore.Mvc.ProblemDetails BadRequest(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiProblems.Create(StatusCodes.Status413PayloadTooLarge, "Request body too large");
        }
        if (bad.InnerException is JsonException json)
        {
            var field = FieldOf(json.Path);
            return field is null
                ? ApiProblems.Field("body", "Request body is not valid JSON")
                : ApiProblems.Field(field, $"{field} has an invalid value");
        }
        if (BoundParameter().Match(bad.Message) is { Success: true } parameter)
        {
            // 'Failed to bind parameter "int? page" from "1e9"': a route or query value of the wrong type or out of range.
            var field = JsonNamingPolicy.SnakeCaseLower.ConvertName(parameter.Groups[1].Value);
            return ApiProblems.Field(field, $"{field} has an invalid value");
        }
        return bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
            ? ApiProblems.Field("body", "A JSON request body is required")
            : ApiProblems.Create(StatusCodes.Status400BadRequest, "Bad request");
    }

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"[^\"]* (\\w+)\" from ")]
    private static partial System.Text.RegularExpressions.Regex BoundParameter();

    /// <summary>"$.reset_timestamp" → "reset_timestamp"; "$" or null → null.</summary>
    private static string? FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        var end = field.IndexOfAny(['.', '[']);
        return end > 0 ? field[..end] : field;
    }

    private static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is RetryLimitExceededException or TimeoutException
                || e is NpgsqlException { IsTransient: true }
                || e is System.Net.Sockets.SocketException)
            {
                return true;
            }
        }
        return false;
    }
}
