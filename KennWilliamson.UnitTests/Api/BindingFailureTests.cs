using System.Text;
using KennWilliamson.Api;
using KennWilliamson.Api.Accounts;
using KennWilliamson.Api.IncidentTimers;
using KennWilliamson.Api.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace KennWilliamson.UnitTests.Api;

/// <summary>
/// Each request typed binding refuses, made by the framework itself (its request delegate, no server), then named
/// by <see cref="BindingFailures"/>: the one reader of the framework's English messages fails here if they change.
/// </summary>
[Trait("Category", "Unit")]
public sealed class BindingFailureTests
{
    private static readonly IServiceProvider Services = new ServiceCollection().AddLogging().AddApiJson().BuildServiceProvider();

    [Theory]
    [InlineData("nope")]
    [InlineData("0195f0a4-8a1c-7c3e-9a2b")]
    [InlineData("%00")]
    public async Task A_route_id_that_is_not_a_uuid_names_id(string id) =>
        AssertField(await FailureAsync((Guid id) => id, http => http.Request.RouteValues["id"] = id), "id", "id has an invalid value");

    [Theory]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=1e2", "limit")]
    [InlineData("limit=99999999999", "limit")]
    [InlineData("before=x", "before")]
    [InlineData("before=2024-05-01T12:00:00Z", "before")]
    [InlineData("before=2024-05-01T12:00:00Z,nope", "before")]
    public async Task A_timer_page_query_of_the_wrong_type_names_its_field(string query, string field) =>
        AssertField(await FailureAsync(([AsParameters] TimerPageRequest page) => page.PageSize, http => http.Request.QueryString = new QueryString("?" + query)),
            field, $"{field} has an invalid value");

    [Fact]
    public async Task A_query_number_of_the_wrong_type_is_named_in_snake_case() =>
        AssertField(await FailureAsync(([FromQuery(Name = "page_size")] int? pageSize) => pageSize, http => http.Request.QueryString = new QueryString("?page_size=x")),
            "page_size", "page_size has an invalid value");

    [Fact]
    public async Task A_missing_body_is_blamed_on_the_body() =>
        AssertField(await FailureAsync((RegisterRequest request) => request, http => Json(http, "")), "body", "A JSON request body is required");

    [Fact]
    public async Task A_body_that_is_not_json_is_blamed_on_the_body() =>
        AssertField(await FailureAsync((RegisterRequest request) => request, http => Json(http, "{")), "body", "Request body is not valid JSON");

    [Fact]
    public async Task A_json_member_of_the_wrong_type_is_named() =>
        AssertField(await FailureAsync((TimerRequest request) => request, http => Json(http, "{\"reset_timestamp\":5}")), "reset_timestamp", "reset_timestamp has an invalid value");

    [Theory]
    [InlineData("{\"notes\":[1]}", "notes", "notes has an invalid value")] // $.notes
    [InlineData("{\"notes\":\"a\",\"reset_timestamp\":{\"x\":1}}", "reset_timestamp", "reset_timestamp has an invalid value")]
    [InlineData("[1]", "body", "Request body is not valid JSON")] // $
    [InlineData("{\"notes\":\"a\",\"a b\":}", "body", "Request body is not valid JSON")] // $['a b']: no member of the request
    public async Task A_json_error_names_the_requests_member_it_is_in_or_else_the_body(string body, string field, string message) =>
        AssertField(await FailureAsync((TimerRequest request) => request, http => Json(http, body)), field, message);

    [Fact]
    public async Task A_good_request_binds_and_is_no_failure()
    {
        var created = RequestDelegateFactory.Create((Guid id) => id, new RequestDelegateFactoryOptions { ServiceProvider = Services, ThrowOnBadRequest = true });
        var http = new DefaultHttpContext { RequestServices = Services };
        http.Request.RouteValues["id"] = Guid.Empty.ToString();
        await created.RequestDelegate(http);
        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
    }

    private static async Task<BadHttpRequestException> FailureAsync(Delegate handler, Action<HttpContext> request)
    {
        var created = RequestDelegateFactory.Create(handler, new RequestDelegateFactoryOptions { ServiceProvider = Services, ThrowOnBadRequest = true });
        var http = new DefaultHttpContext { RequestServices = Services };
        request(http);
        return await Assert.ThrowsAsync<BadHttpRequestException>(() => created.RequestDelegate(http));
    }

    private static void Json(HttpContext http, string body)
    {
        http.Features.Set<IHttpRequestBodyDetectionFeature>(new HasBody(body.Length > 0));
        http.Request.Method = "POST";
        http.Request.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(body);
        http.Request.Body = new MemoryStream(bytes);
        http.Request.ContentLength = bytes.Length;
    }

    private sealed record HasBody(bool CanHaveBody) : IHttpRequestBodyDetectionFeature;

    private static void AssertField(BadHttpRequestException failure, string field, string message)
    {
        var problem = Assert.IsType<HttpValidationProblemDetails>(BindingFailures.Problem(failure));
        Assert.Equal((StatusCodes.Status400BadRequest, message), (problem.Status, problem.Extensions[ApiProblems.ErrorMember]));
        Assert.Equal([message], Assert.Single(problem.Errors, e => e.Key == field).Value);
    }
}
