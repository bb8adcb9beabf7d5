using System.Net;
using System.Text.Json;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;

namespace KennWilliamson.Tests.Api;

/// <summary>GET /api/incident-timers: the newest 100 by default, older pages by keyset cursor (issue 16).</summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class TimerPagingTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private HttpClient Http => fixture.Api;

    [Fact]
    public async Task Without_parameters_the_list_is_an_array_of_the_newest_100_with_a_link_to_the_next_page()
    {
        var me = await Http.RegisterAsync();
        await SeedAsync(me, 250);

        using var response = await Http.SendAsync(HttpMethod.Get, "/api/incident-timers", token: me.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.JsonAsync();
        Assert.Equal(JsonValueKind.Array, page.ValueKind);
        var keys = Keys(page);
        Assert.Equal(100, keys.Count);
        Assert.Equal((await AllKeysAsync(me)).Take(100), keys);
        var link = Assert.Single(response.Headers.GetValues("Link"));
        Assert.Matches("^</api/incident-timers\\?limit=100&before=[^>]+>; rel=\"next\"$", link);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(500)]
    public async Task Limit_bounds_are_accepted(int limit)
    {
        var me = await Http.RegisterAsync();
        await SeedAsync(me, 501);

        using var response = await Http.SendAsync(HttpMethod.Get, $"/api/incident-timers?limit={limit}", token: me.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(limit, (await response.JsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Pages_following_the_link_cover_every_timer_once_while_new_timers_arrive()
    {
        var me = await Http.RegisterAsync();
        // Groups of three share a reset_timestamp: the id must break the ties, and page edges fall inside groups.
        await SeedAsync(me, 1_000, secondsApartEvery: 3);
        var before = await AllKeysAsync(me);

        var seen = new List<(DateTimeOffset, Guid)>();
        var added = new List<Guid>();
        var next = "/api/incident-timers?limit=70";
        while (next is not null)
        {
            using var response = await Http.SendAsync(HttpMethod.Get, next, token: me.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            seen.AddRange(Keys(await response.JsonAsync()));
            next = response.Headers.TryGetValues("Link", out var links) ? links.Single()[1..links.Single().IndexOf('>', StringComparison.Ordinal)] : null;
            // A "Reset Timer" between pages: newer than every page already read, so it never shifts the rest.
            using var created = await Http.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "during paging" }, me.Token);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            added.Add((await created.JsonAsync()).GetProperty("id").GetGuid());
        }

        Assert.Equal(before, seen);
        Assert.DoesNotContain(seen, k => added.Contains(k.Item2));
    }

    [Fact]
    public async Task A_cursor_copied_unencoded_from_a_response_still_works()
    {
        var me = await Http.RegisterAsync();
        await SeedAsync(me, 5);
        var all = await AllKeysAsync(me);

        // "+00:00" in a query string arrives as a space: the API reads it back as the plus it was.
        var cursor = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{all[1].Item1:yyyy-MM-dd'T'HH:mm:ss.ffffff}+00:00,{all[1].Item2}");
        using var response = await Http.SendAsync(HttpMethod.Get, $"/api/incident-timers?before={cursor}", token: me.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(all.Skip(2), Keys(await response.JsonAsync()));
    }

    /// <summary>COUNT timers for the account, inserted with SQL (the API's write limit stays out of it), one a second apart by default.</summary>
    private async Task SeedAsync(Account account, int count, int secondsApartEvery = 1)
    {
        await using var db = await Connections.OpenAsync(fixture.OwnerConnectionString);
        await db.ExecuteAsync("""
            INSERT INTO incident_timers (user_id, reset_timestamp, notes)
            SELECT $1, timestamptz '2025-01-01 00:00:00+00' - make_interval(secs => n / $3), 'seeded ' || n
            FROM generate_series(1, $2) n
            """, Guid.Parse(account.Id), count, secondsApartEvery);
    }

    /// <summary>Every timer of the account in the list's order, read from the database.</summary>
    private async Task<List<(DateTimeOffset, Guid)>> AllKeysAsync(Account account)
    {
        await using var db = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var rows = await db.RowsAsync(
            "SELECT reset_timestamp, id FROM incident_timers WHERE user_id = $1 ORDER BY reset_timestamp DESC, id DESC", Guid.Parse(account.Id));
        return rows.Select(r => (new DateTimeOffset((DateTime)r[0]!), (Guid)r[1]!)).ToList();
    }

    private static List<(DateTimeOffset, Guid)> Keys(JsonElement page) =>
        page.EnumerateArray().Select(t => (t.GetProperty("reset_timestamp").GetDateTimeOffset(), t.GetProperty("id").GetGuid())).ToList();
}
