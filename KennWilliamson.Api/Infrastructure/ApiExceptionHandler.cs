using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>An unreachable database or limit store is 503 with Retry-After, not 500; a 500 carries no internals.</summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => BindingFailures.Problem(bad),
            _ when IsStoreUnavailable(exception) => ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, "Service temporarily unavailable"),
            _ => null,
        };

        if (problem is null)
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", context.Request.Method, context.Request.Path);
            problem = ApiProblems.Create(StatusCodes.Status500InternalServerError, "Internal server error");
        }
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning("Database or limit store unavailable on {Method} {Path}: {Message}", context.Request.Method, context.Request.Path, exception.Message);
            context.Response.Headers.RetryAfter = "5";
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static bool IsStoreUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is RetryLimitExceededException or TimeoutException
                || e is NpgsqlException { IsTransient: true }
                || e is StackExchange.Redis.RedisConnectionException
                || e is System.Net.Sockets.SocketException)
            {
                return true;
            }
        }
        return false;
    }
}
