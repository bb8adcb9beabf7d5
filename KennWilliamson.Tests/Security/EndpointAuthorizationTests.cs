using KennWilliamson.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace KennWilliamson.Tests.Security;

/// <summary>
/// Deny by default, read off the mapped endpoints: every <c>/api</c> route asks for a signed-in caller unless it
/// is one of the declared public ones, and nothing is mapped outside <c>/api</c> but the platform's own routes.
/// A new route that forgets its group or says AllowAnonymous by mistake fails here by name.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class EndpointAuthorizationTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static readonly string[] Public =
    [
        "GET /api/health/", "GET /api/health/db",
        "POST /api/auth/register", "POST /api/auth/login", "POST /api/auth/refresh", "POST /api/auth/logout",
        "POST /api/auth/preview-slug", "GET /api/{user_slug}/incident-timer",
    ];

    private static readonly string[] Platform = ["/health", "/alive", "/openapi/{documentName}.json"];

    private List<RouteEndpoint> Endpoints() =>
        [.. fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];

    private static bool InApi(RouteEndpoint endpoint) => endpoint.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal);

    private static string Name(RouteEndpoint endpoint) =>
        $"{string.Join(',', endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])} {endpoint.RoutePattern.RawText}";

    [Fact]
    public void Every_api_route_asks_for_a_signed_in_caller_unless_it_is_declared_public()
    {
        var api = Endpoints().Where(InApi).ToList();
        Assert.True(api.Count > 15, $"only {api.Count} /api routes found");

        var open = api.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(Name).Order(StringComparer.Ordinal);
        Assert.Equal(Public.Order(StringComparer.Ordinal), open);
        Assert.All(api.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null),
            e => Assert.True(e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0, $"{Name(e)} asks for no caller"));
    }

    [Fact]
    public void Outside_api_only_the_platforms_routes_are_mapped()
    {
        var outside = Endpoints().Where(e => !InApi(e)).Select(e => e.RoutePattern.RawText!).Distinct().ToList();

        Assert.Contains("/health", outside);
        // The interactive reference (Development) serves its page and assets under /scalar/.
        Assert.All(outside, route => Assert.True(Platform.Contains(route) || route.StartsWith("/scalar/", StringComparison.Ordinal), $"{route} is mapped outside /api"));
    }
}
