using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>Problem details that also carry <c>error</c>, the member the original backend's web client reads.</summary>
public static class ApiProblems
{
    public const string ErrorMember = "error";

    public static ProblemDetails Create(int status, string error, IDictionary<string, string[]>? fields = null)
    {
        var problem = fields is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(fields);
        problem.Status = status;
        problem.Title = error;
        problem.Extensions[ErrorMember] = error;
        return problem;
    }

    public static ProblemDetails Field(string field, string message) =>
        Create(StatusCodes.Status400BadRequest, message, new Dictionary<string, string[]> { [field] = [message] });

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: message,
            extensions: new Dictionary<string, object?> { [ErrorMember] = message });

    /// <summary>Problems the framework writes (401, 404 of unknown routes, 413, ...) get the member too.</summary>
    public static void AddErrorMember(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (!problem.Extensions.ContainsKey(ErrorMember))
        {
            problem.Extensions[ErrorMember] = problem.Status switch
            {
                StatusCodes.Status401Unauthorized => "Unauthorized",
                StatusCodes.Status403Forbidden => "Forbidden",
                _ => problem.Detail ?? problem.Title ?? "Error",
            };
        }
        // Never echo exception details or stack traces to a client.
        problem.Extensions.Remove("exception");
    }
}
