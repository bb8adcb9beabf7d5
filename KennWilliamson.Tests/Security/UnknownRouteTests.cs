using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Security;

[Trait(Layer.Trait, Layer.Api)]
public sealed class UnknownRouteTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("GET", "/api/nothing-here")]
    [InlineData("GET", "/api/incident-timerz")]
    [InlineData("POST", "/api/auth/register/extra")]
    [InlineData("GET", "/no-such-page.html")]
    [InlineData("DELETE", "/api/admin/users/x/roles/admin/more")]
    [InlineData("GET", "/")]
    public async Task A_path_no_endpoint_matches_is_404_problem_details_with_or_without_a_token(string method, string path)
    {
        var account = await fixture.Api.RegisterAsync();

        using var anonymous = await fixture.Api.SendAsync(new HttpMethod(method), path);
        using var signedIn = await fixture.Api.SendAsync(new HttpMethod(method), path, token: account.Token);

        await anonymous.AssertProblemAsync(HttpStatusCode.NotFound);
        await signedIn.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_known_route_without_a_token_is_still_401()
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Get, "/api/incident-timers");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
