using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// The framework names the failed parameter only in its English message, so this one place reads it;
/// BindingFailureTests fail if the wording changes.
/// </summary>
public static partial class BindingFailures
{
    public static ProblemDetails Problem(BadHttpRequestException bad)
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
            var field = JsonNamingPolicy.SnakeCaseLower.ConvertName(parameter.Groups[1].Value);
            return ApiProblems.Field(field, $"{field} has an invalid value");
        }
        return bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
            ? ApiProblems.Field("body", "A JSON request body is required")
            : ApiProblems.Create(StatusCodes.Status400BadRequest, "Bad request");
    }

    /// <summary>'Failed to bind parameter "int? page" from "1e9".': a route or query value of the wrong type.</summary>
    [GeneratedRegex("^Failed to bind parameter \"[^\"]* (\\w+)\" from ")]
    private static partial Regex BoundParameter();

    /// <summary>The request member a JSON error is in ("$.notes", "$.notes[2]": notes); none for "$" or "$['a b']".</summary>
    private static string? FieldOf(string? path) =>
        path is not null && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..].Split('.', '[')[0] : null;
}
