using System.Net.Http.Json;
using System.Text.Json;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Api;

[Trait(Layer.Trait, Layer.Api)]
public sealed class OpenApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    /// <summary>Every route with the status codes it documents: its success and its errors.</summary>
    public static TheoryData<string, string, string[]> Routes => new()
    {
        { "/api/auth/register", "post", ["201", "400", "409"] },
        { "/api/auth/login", "post", ["200", "400", "401"] },
        { "/api/auth/refresh", "post", ["200", "400", "401"] },
        { "/api/auth/logout", "post", ["204", "400"] },
        { "/api/auth/preview-slug", "post", ["200", "400"] },
        { "/api/auth/me", "get", ["200", "401", "404"] },
        { "/api/{user_slug}/incident-timer", "get", ["200", "404"] },
        { "/api/incident-timers", "get", ["200", "400", "401"] },
        { "/api/incident-timers", "post", ["201", "400", "401", "429"] },
        { "/api/incident-timers/{id}", "put", ["200", "400", "401", "404", "429"] },
        { "/api/incident-timers/{id}", "delete", ["204", "400", "401", "404", "429"] },
        { "/api/health", "get", ["200"] },
        { "/api/health/db", "get", ["200", "503"] },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task OpenAPI_document_lists_the_route_with_its_responses(string path, string method, string[] statuses)
    {
        var document = await fixture.Api.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative)).WaitAsync(ApiClient.Timeout);

        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        var documented = operation.GetProperty("responses").PropertyNames().ToHashSet();
        Assert.All(statuses, s => Assert.Contains(s, documented));
    }

    [Fact]
    public async Task The_timer_list_documents_its_limit_and_cursor_parameters()
    {
        var document = await fixture.Api.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative)).WaitAsync(ApiClient.Timeout);

        var parameters = document.GetProperty("paths").GetProperty("/api/incident-timers").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p);
        Assert.Equal(["before", "limit"], parameters.Keys.Order(StringComparer.Ordinal));
        Assert.All(parameters.Values, p => Assert.Equal("query", p.GetProperty("in").GetString()));
        Assert.Contains("1 to 500 (default 100)", parameters["limit"].GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("<reset_timestamp>,<id>", parameters["before"].GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    /// <summary>What the pipeline answers whatever the handler declares (CommonResponses), listed on every operation.</summary>
    [Fact]
    public async Task Every_operation_lists_the_statuses_the_pipeline_can_answer()
    {
        var document = await fixture.Api.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative)).WaitAsync(ApiClient.Timeout);

        foreach (var path in document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var documented = operation.Value.GetProperty("responses").PropertyNames().ToHashSet();
                var where = $"{operation.Name} {path.Name}";
                Assert.True(documented.IsSupersetOf(["414", "503"]), where);
                if (operation.Value.TryGetProperty("requestBody", out _))
                {
                    Assert.True(documented.IsSupersetOf(["400", "413", "415"]), where);
                }
                if (path.Name.Contains('{', StringComparison.Ordinal))
                {
                    Assert.True(documented.Contains("400"), where);
                }
            }
        }
    }
}
