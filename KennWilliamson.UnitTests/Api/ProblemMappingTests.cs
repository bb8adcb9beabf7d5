using System.Net.Sockets;
using System.Text.Json;
using KennWilliamson.Api.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace KennWilliamson.UnitTests.Api;

/// <summary>
/// How failures become problem details: every body carries the original backend's <c>error</c> member, an
/// unreadable request names its field, an unreachable database is a 503 and anything else a bare 500.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ProblemMappingTests
{
    private sealed class CapturingProblems : IProblemDetailsService
    {
        public ProblemDetails? Written { get; private set; }

        public ValueTask WriteAsync(ProblemDetailsContext context)
        {
            Written = context.ProblemDetails;
            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> TryWriteAsync(ProblemDetailsContext context)
        {
            Written = context.ProblemDetails;
            return ValueTask.FromResult(true);
        }
    }

    private static async Task<(int Status, ProblemDetails Problem, HttpContext Http)> HandleAsync(Exception exception)
    {
        var problems = new CapturingProblems();
        var handler = new ApiExceptionHandler(problems, NullLogger<ApiExceptionHandler>.Instance);
        var http = new DefaultHttpContext();
        Assert.True(await handler.TryHandleAsync(http, exception, CancellationToken.None));
        return (http.Response.StatusCode, problems.Written!, http);
    }

    private static string[] Field(ProblemDetails problem, string field) =>
        Assert.IsType<HttpValidationProblemDetails>(problem).Errors[field];

    [Fact]
    public void A_created_problem_carries_status_title_and_the_error_member()
    {
        var problem = ApiProblems.Create(409, "Email already exists");
        Assert.Equal((409, "Email already exists", "Email already exists"), (problem.Status, problem.Title, problem.Extensions["error"]));
        Assert.IsNotType<HttpValidationProblemDetails>(problem);
    }

    [Fact]
    public void A_field_problem_is_a_400_naming_the_field()
    {
        var problem = ApiProblems.Field("notes", "notes is too long");
        Assert.Equal(400, problem.Status);
        Assert.Equal(["notes is too long"], Field(problem, "notes"));
        Assert.Equal("notes is too long", problem.Extensions["error"]);
    }

    [Fact]
    public void A_handlers_invalid_result_is_a_validation_problem_with_the_error_member()
    {
        var result = ApiProblems.Invalid("role", "You cannot revoke your own admin role");
        Assert.Equal(400, result.StatusCode);
        Assert.Equal(["You cannot revoke your own admin role"], result.ProblemDetails.Errors["role"]);
        Assert.Equal("You cannot revoke your own admin role", result.ProblemDetails.Extensions["error"]);
    }

    [Theory]
    [InlineData(401, null, null, "Unauthorized")]
    [InlineData(403, null, null, "Forbidden")]
    [InlineData(404, "Not Found", null, "Not Found")]
    [InlineData(413, "Payload Too Large", "the body is too big", "the body is too big")]
    [InlineData(500, null, null, "Error")]
    public void A_framework_problem_gets_an_error_member_and_loses_exception_details(int status, string? title, string? detail, string error)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        problem.Extensions["exception"] = "System.Exception: secret stack";
        ApiProblems.AddErrorMember(new ProblemDetailsContext { HttpContext = new DefaultHttpContext(), ProblemDetails = problem });
        Assert.Equal(error, problem.Extensions["error"]);
        Assert.False(problem.Extensions.ContainsKey("exception"));
    }

    [Fact]
    public void An_error_member_already_there_is_kept()
    {
        var problem = ApiProblems.Create(429, "Too many requests, try again later");
        ApiProblems.AddErrorMember(new ProblemDetailsContext { HttpContext = new DefaultHttpContext(), ProblemDetails = problem });
        Assert.Equal("Too many requests, try again later", problem.Extensions["error"]);
    }

    [Theory]
    [InlineData("$.reset_timestamp", "reset_timestamp")]
    [InlineData("$.notes[3]", "notes")]
    [InlineData("$.user.name", "user")]
    public async Task An_unreadable_json_member_is_named(string path, string field)
    {
        var (status, problem, _) = await HandleAsync(new BadHttpRequestException("Failed to read parameter", new JsonException("bad", path, 1, 2)));
        Assert.Equal(400, status);
        Assert.Equal([$"{field} has an invalid value"], Field(problem, field));
    }

    [Theory]
    [InlineData("$")]
    [InlineData(null)]
    public async Task Json_that_is_not_an_object_at_all_is_blamed_on_the_body(string? path)
    {
        var (_, problem, _) = await HandleAsync(new BadHttpRequestException("Failed to read parameter", new JsonException("bad", path, 1, 2)));
        Assert.Equal(["Request body is not valid JSON"], Field(problem, "body"));
    }

    /// <summary>The framework's English message for a route or query value of the wrong type, one case per shape it takes.</summary>
    [Theory]
    [InlineData("Failed to bind parameter \"int? page\" from \"1e9\".", "page")]
    [InlineData("Failed to bind parameter \"int? pageSize\" from \"x\".", "page_size")]
    [InlineData("Failed to bind parameter \"Guid id\" from \"nope\".", "id")]
    [InlineData("Failed to bind parameter \"System.Nullable`1[System.Int32] limit\" from \"-\".", "limit")]
    public async Task A_value_of_the_wrong_type_is_named_in_snake_case(string message, string field)
    {
        var (status, problem, _) = await HandleAsync(new BadHttpRequestException(message));
        Assert.Equal(400, status);
        Assert.Equal([$"{field} has an invalid value"], Field(problem, field));
    }

    [Theory]
    [InlineData("Implicit body inferred for parameter \"request\" but no body was provided.", "body")]
    [InlineData("Required parameter \"RegisterRequest request\" was not provided from body.", "body")]
    public async Task A_missing_body_is_named(string message, string field)
    {
        var (_, problem, _) = await HandleAsync(new BadHttpRequestException(message));
        Assert.Equal(["A JSON request body is required"], Field(problem, field));
    }

    [Fact]
    public async Task Any_other_bad_request_is_a_plain_400()
    {
        var (status, problem, _) = await HandleAsync(new BadHttpRequestException("Request line too long"));
        Assert.Equal(400, status);
        Assert.Equal("Bad request", problem.Extensions["error"]);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        var (status, problem, _) = await HandleAsync(new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge));
        Assert.Equal((413, "Request body too large"), (status, problem.Extensions["error"]));
    }

    public static TheoryData<Exception> Outages => new()
    {
        new TimeoutException("pool exhausted"),
        new SocketException((int)SocketError.ConnectionRefused),
        new RetryLimitExceededException("retries"),
        new InvalidOperationException("wrapped", new Npgsql.NpgsqlException("connection refused", new SocketException((int)SocketError.ConnectionRefused))),
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task An_unreachable_database_is_a_503_with_retry_after(Exception exception)
    {
        var (status, problem, http) = await HandleAsync(exception);
        Assert.Equal(503, status);
        Assert.Equal("Service temporarily unavailable", problem.Extensions["error"]);
        Assert.Equal("5", http.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task Anything_else_is_a_500_that_says_nothing_of_its_cause()
    {
        var (status, problem, http) = await HandleAsync(new InvalidOperationException("connection string Password=hunter2"));
        Assert.Equal(500, status);
        Assert.Equal("Internal server error", problem.Extensions["error"]);
        Assert.DoesNotContain("hunter2", JsonSerializer.Serialize(problem), StringComparison.Ordinal);
        Assert.False(http.Response.Headers.ContainsKey("Retry-After"));
    }
}
