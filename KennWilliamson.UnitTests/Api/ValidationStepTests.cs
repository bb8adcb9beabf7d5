using KennWilliamson.Api.Accounts;
using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Api.IncidentTimers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace KennWilliamson.UnitTests.Api;

/// <summary>
/// The validation step built per endpoint: which arguments it reads (bound strings, the string properties of the
/// API's request records, not services), the name it reports (as the client spelled it), that a record's own
/// rules run after the storable-text check, and that a clean request reaches the handler.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ValidationStepTests
{
    private const string Unstorable = "a\0b";
    private static readonly object Reached = new();
    private static readonly EndpointFilterDelegate Next = _ => ValueTask.FromResult<object?>(Reached);

    // Handlers whose parameters the guard reads; never called.
    private static void Strings([FromRoute(Name = "user_slug")] string slug, [FromQuery(Name = "before_id")] string before, [FromHeader(Name = "X-Tag")] string tag, string plain, int count) { }
    private static void Records(RegisterRequest register, TimerRequest? timer, JwtOptions service) { }
    private static void Nothing(int count, Guid id, JwtOptions service) { }
    private static void Page([AsParameters] TimerPageRequest page) { }

    [Theory]
    [InlineData(0, "user_slug")]
    [InlineData(1, "before_id")]
    [InlineData(2, "X-Tag")]
    [InlineData(3, "plain")]
    public async Task An_unstorable_bound_string_is_a_400_naming_it_as_the_client_spelled_it(int index, string field)
    {
        object?[] arguments = ["kenn", "x", "tag", "plain", 3];
        arguments[index] = Unstorable;

        AssertProblem(await Guard(nameof(Strings), arguments), field);
    }

    [Theory]
    [InlineData("email")]
    [InlineData("password")]
    [InlineData("display_name")]
    public async Task An_unstorable_string_property_of_a_request_record_is_a_400_naming_its_json_field(string field)
    {
        var register = new RegisterRequest(field == "email" ? Unstorable : "a@b.c", field == "password" ? Unstorable : "Password1", field == "display_name" ? Unstorable : "Kenn");

        AssertProblem(await Guard(nameof(Records), register, null, new JwtOptions()), field);
    }

    [Fact]
    public async Task The_notes_of_a_timer_are_read_too_and_a_missing_body_is_no_error()
    {
        var register = new RegisterRequest("a@b.c", "Password1", "Kenn");

        AssertProblem(await Guard(nameof(Records), register, new TimerRequest(null, Unstorable), new JwtOptions()), "notes");
        Assert.Same(Reached, await Guard(nameof(Records), register, null, new JwtOptions()));
    }

    [Fact]
    public async Task A_service_of_the_api_is_not_a_request_and_its_strings_are_not_read()
    {
        var service = new JwtOptions { SigningKey = Unstorable };

        Assert.Same(Reached, await Guard(nameof(Records), new RegisterRequest("a@b.c", "Password1", "Kenn"), null, service));
    }

    [Fact]
    public async Task A_record_that_breaks_its_own_rules_is_a_400_with_every_field_it_names()
    {
        var result = await Guard(nameof(Records), new RegisterRequest("not an email", "short", ""), null, new JwtOptions());

        var problem = Assert.IsType<ProblemHttpResult>(result);
        var details = Assert.IsType<HttpValidationProblemDetails>(problem.ProblemDetails);
        Assert.Equal(["email", "password", "display_name"], details.Errors.Keys);
        Assert.Equal("email must be a valid email address", details.Extensions["error"]);
    }

    [Fact]
    public async Task Unstorable_text_is_named_before_the_rules_of_its_record_are_read() =>
        AssertProblem(await Guard(nameof(Records), new RegisterRequest("not an email", "short", Unstorable), null, new JwtOptions()), "display_name");

    [Fact]
    public async Task A_typed_query_with_no_text_still_has_its_rules_checked()
    {
        AssertField(await Guard(nameof(Page), new TimerPageRequest { Limit = 501 }), "limit", "limit must be an integer from 1 to 500");
        Assert.Same(Reached, await Guard(nameof(Page), new TimerPageRequest { Limit = 500 }));
    }

    [Fact]
    public async Task Storable_strings_reach_the_handler() =>
        Assert.Same(Reached, await Guard(nameof(Strings), "kenn", "x", "tag", "plain", 3));

    [Fact]
    public void An_endpoint_with_nothing_to_check_gets_no_filter() =>
        Assert.Same(Next, RequestValidation.Create(Context(nameof(Nothing)), Next));

    private static async Task<object?> Guard(string handler, params object?[] arguments)
    {
        var filter = RequestValidation.Create(Context(handler), Next);
        Assert.NotSame(Next, filter);
        return await filter(new DefaultEndpointFilterInvocationContext(new DefaultHttpContext(), arguments));
    }

    private static EndpointFilterFactoryContext Context(string handler) => new()
    {
        MethodInfo = typeof(ValidationStepTests).GetMethod(handler, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!,
        ApplicationServices = new ServiceCollection().AddSingleton<JwtOptions>().BuildServiceProvider(),
    };

    private static void AssertProblem(object? result, string field) => AssertField(result, field, StorableText.Message(field));

    private static void AssertField(object? result, string field, string message)
    {
        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
        var details = Assert.IsType<HttpValidationProblemDetails>(problem.ProblemDetails);
        Assert.Equal([message], Assert.Single(details.Errors, e => e.Key == field).Value);
    }
}
