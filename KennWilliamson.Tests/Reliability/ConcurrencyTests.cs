using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Reliability;

[Trait(Layer.Trait, Layer.Api)]
public sealed class ConcurrencyTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Fifty_concurrent_updates_of_one_timer_all_succeed_and_the_row_equals_one_of_them()
    {
        var owner = await fixture.Api.RegisterAsync();
        using var created = await fixture.Api.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "start" }, owner.Token);
        var id = (await created.JsonAsync()).GetProperty("id").GetString();

        var writes = Enumerable.Range(0, 50)
            .Select(i => (Notes: $"write-{i}", Reset: DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).AddMinutes(i)))
            .ToList();
        var responses = await Task.WhenAll(writes.Select(w =>
            fixture.Api.SendAsync(HttpMethod.Put, $"/api/incident-timers/{id}", new { notes = w.Notes, reset_timestamp = w.Reset }, owner.Token)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var r in responses)
        {
            r.Dispose();
        }

        using var list = await fixture.Api.SendAsync(HttpMethod.Get, "/api/incident-timers", token: owner.Token);
        var row = Assert.Single((await list.JsonAsync()).EnumerateArray());
        var final = (row.GetProperty("notes").GetString()!, row.GetProperty("reset_timestamp").GetDateTimeOffset());
        // One whole write wins: never the notes of one with the timestamp of another.
        Assert.Contains(final, writes.Select(w => (w.Notes, w.Reset)));
    }

    [Fact]
    public async Task Twenty_concurrent_registrations_with_one_email_give_one_201_and_nineteen_409()
    {
        var email = ApiClient.UniqueEmail("race");
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/register",
                new { email = i % 2 == 0 ? email : email.ToUpperInvariant(), password = ApiClient.Password, display_name = $"Racer {i}" })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            await conflict.AssertProblemAsync(HttpStatusCode.Conflict, "Email already exists");
        }
        foreach (var r in responses)
        {
            r.Dispose();
        }

        await using var db = await Connections.OpenAsync(fixture.OwnerConnectionString);
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM users WHERE lower(email) = lower($1)", db)
        { Parameters = { new() { Value = email } } };
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }
}
