using System.Net;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Api;

[Trait(Layer.Trait, Layer.Api)]
public sealed class SlugTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private HttpClient Http => fixture.Api;

    [Fact]
    public async Task Display_name_becomes_a_lower_case_hyphenated_slug()
    {
        var account = await Http.RegisterAsync("Test User");
        Assert.Equal("test-user", account.Slug);
    }

    [Fact]
    public async Task Preview_says_whether_the_slug_is_free_and_what_the_next_one_would_be()
    {
        using var before = await Http.SendAsync(HttpMethod.Post, "/api/auth/preview-slug", new { display_name = "John Doe Test" });
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var free = await before.JsonAsync();
        Assert.Equal("john-doe-test", free.GetProperty("slug").GetString());
        Assert.True(free.GetProperty("available").GetBoolean());
        Assert.Equal("john-doe-test", free.GetProperty("final_slug").GetString());

        await Http.RegisterAsync("John Doe Test");

        using var after = await Http.SendAsync(HttpMethod.Post, "/api/auth/preview-slug", new { display_name = "John Doe Test" });
        var taken = await after.JsonAsync();
        Assert.Equal("john-doe-test", taken.GetProperty("slug").GetString());
        Assert.False(taken.GetProperty("available").GetBoolean());
        Assert.Equal("john-doe-test-2", taken.GetProperty("final_slug").GetString());
    }

    private const int Crowd = 40;

    [Fact]
    public async Task Concurrent_registrations_with_one_display_name_get_distinct_slugs()
    {
        const string name = "Crowded Name";
        // More than the attempts a registration makes at a free slug: 40 at once must all find one.
        var responses = await Task.WhenAll(Enumerable.Range(0, Crowd).Select(_ =>
            Http.SendAsync(HttpMethod.Post, "/api/auth/register", new { email = ApiClient.UniqueEmail(), password = ApiClient.Password, display_name = name })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var slugs = new List<string>();
        foreach (var response in responses)
        {
            slugs.Add((await response.JsonAsync()).GetProperty("user").GetProperty("slug").GetString()!);
            response.Dispose();
        }
        Assert.Equal(Crowd, slugs.Distinct().Count());
        Assert.Contains("crowded-name", slugs);
        Assert.All(slugs, s => Assert.Matches("^crowded-name(-([2-9]|[1-3][0-9]|40))?$", s));
    }
}
