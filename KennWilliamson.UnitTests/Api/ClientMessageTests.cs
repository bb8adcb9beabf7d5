using System.Text.Json;
using KennWilliamson.Api.Accounts;
using KennWilliamson.Api.IncidentTimers;
using KennWilliamson.Api.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KennWilliamson.UnitTests.Api;

/// <summary>
/// What a client or an operator reads, word for word: the field messages of the timer list and the slug
/// preview, the settings the API refuses to start with, the next page's link; and the email rule at its length edge.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ClientMessageTests
{
    private static Dictionary<string, string[]> Errors(IValidatable request)
    {
        var errors = new FieldErrors();
        request.Validate(errors);
        return errors.ToDictionary();
    }

    [Fact]
    public void The_timer_list_and_the_slug_preview_say_what_is_allowed()
    {
        Assert.Equal(["limit must be an integer from 1 to 500"], Errors(new TimerPageRequest { Limit = 0 })["limit"]);
        Assert.Equal(["display_name must be between 1 and 100 characters"], Errors(new PreviewSlugRequest(new string('a', 101)))["display_name"]);
    }

    [Fact]
    public void An_email_of_255_characters_is_still_judged_by_its_form()
    {
        var local = new string('a', 64);
        var valid = $"{local}@{new string('b', 255 - 64 - 1 - 4)}.com";
        Assert.Equal(255, valid.Length);
        Assert.False(Errors(new RegisterRequest(valid, "Password1", "Kenn")).ContainsKey("email"));
        Assert.Equal(["email must be a valid email address"], Errors(new RegisterRequest(new string('a', 255), "Password1", "Kenn"))["email"]);
        Assert.Equal(["email must be at most 255 characters"], Errors(new RegisterRequest(new string('a', 256), "Password1", "Kenn"))["email"]);
    }

    [Fact]
    public void A_time_whose_utc_is_out_of_range_cannot_be_read_so_needs_no_check_of_its_own() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DateTimeOffset>("\"0001-01-01T00:00:00+14:00\""));

    [Theory]
    [InlineData("RateLimiting:Auth:PermitLimit", "0", "RateLimiting:Auth:PermitLimit must be at least 1 (it is 0).")]
    [InlineData("RateLimiting:Auth:Window", "2.00:00:00", "RateLimiting:Auth:Window must be from 00:00:01 to 1.00:00:00 (it is 2.00:00:00).")]
    [InlineData("Jwt:SigningKey", "short", "Jwt:SigningKey must be at least 256 bits (32 bytes); the AppHost's jwt-signing-key parameter supplies one.")]
    [InlineData("Jwt:AccessTokenLifetime", "2.00:00:00", null)]
    public void A_setting_the_api_refuses_to_start_with_is_said_in_one_line(string key, string value, string? message)
    {
        var settings = new Dictionary<string, string?> { ["Jwt:SigningKey"] = new string('k', 32), [key] = value };
        var services = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddAuthRateLimits();
        services.AddValidatedOptions<JwtOptions>(JwtOptions.Section);
        using var provider = services.BuildServiceProvider();

        var problem = Assert.Single(ValidatedSettings.Problems(provider));
        if (message is null)
        {
            Assert.Contains("AccessTokenLifetime", problem, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(message, problem);
        }
    }

    [Fact]
    public void A_full_page_links_to_the_next_from_its_last_timer_and_a_short_one_to_none()
    {
        var request = new DefaultHttpContext().Request;
        request.PathBase = "/api";
        request.Path = "/incident-timers";
        var last = new TimerResponse(Guid.Parse("0195f0a4-8a1c-7c3e-9a2b-2f4f5e6d7c8b"), new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero), null, default, default);
        var first = last with { Id = Guid.CreateVersion7() };

        Assert.Equal("</api/incident-timers?limit=2&before=2024-05-01T12%3A00%3A00.000000Z%2C0195f0a4-8a1c-7c3e-9a2b-2f4f5e6d7c8b>; rel=\"next\"",
            TimerPageRequest.NextLink(request, [first, last], 2));
        Assert.Null(TimerPageRequest.NextLink(request, [first, last], 3));
    }
}
