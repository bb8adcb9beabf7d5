using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Security;

[Collection(AppCollection.Name)]
public sealed class RateLimitTests(AppFixture fixture)
{
    [Fact]
    public async Task TheEleventhLoginInAMinuteFromOneAddressGets429AndAnotherAddressIsUnaffected()
    {
        var address = ApiClient.RandomClientAddress();
        var login = new { email = ApiClient.UniqueEmail("limited"), password = "WrongPassword1" };

        for (var attempt = 1; attempt <= 10; attempt++)
        {
            using var allowed = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", login, clientAddress: address);
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        using var eleventh = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", login, clientAddress: address);
        await eleventh.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = Assert.Single(eleventh.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture), 1, 60);

        using var other = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", login, clientAddress: ApiClient.RandomClientAddress());
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }
}
