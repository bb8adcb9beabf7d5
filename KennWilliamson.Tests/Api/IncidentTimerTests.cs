using System.Net;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;

namespace KennWilliamson.Tests.Api;

[Trait(Layer.Trait, Layer.Api)]
public sealed class IncidentTimerTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static readonly string[] TimerFields = ["id", "reset_timestamp", "notes", "created_at", "updated_at"];
    private HttpClient Http => fixture.Api;

    [Fact]
    public async Task Owner_creates_lists_updates_and_deletes_timers()
    {
        var me = await Http.RegisterAsync();

        using var created = await Http.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "first" }, me.Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var timer = await created.JsonAsync();
        Assert.Equal(TimerFields, timer.PropertyNames());
        var id = timer.GetProperty("id").GetString()!;
        Assert.True(DateTimeOffset.UtcNow - timer.GetProperty("reset_timestamp").GetDateTimeOffset() < TimeSpan.FromMinutes(1));

        using var list = await Http.SendAsync(HttpMethod.Get, "/api/incident-timers", token: me.Token);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var timers = (await list.JsonAsync()).EnumerateArray().ToList();
        Assert.Equal(id, Assert.Single(timers).GetProperty("id").GetString());
        Assert.Equal(TimerFields, timers[0].PropertyNames());

        using var updated = await Http.SendAsync(HttpMethod.Put, $"/api/incident-timers/{id}",
            new { reset_timestamp = "2024-05-01T12:00:00Z", notes = "second" }, me.Token);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var after = await updated.JsonAsync();
        Assert.Equal(DateTimeOffset.Parse("2024-05-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture), after.GetProperty("reset_timestamp").GetDateTimeOffset());
        Assert.Equal("second", after.GetProperty("notes").GetString());

        using var deleted = await Http.SendAsync(HttpMethod.Delete, $"/api/incident-timers/{id}", token: me.Token);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var again = await Http.SendAsync(HttpMethod.Delete, $"/api/incident-timers/{id}", token: me.Token);
        await again.AssertProblemAsync(HttpStatusCode.NotFound, "Timer not found");
    }

    [Fact]
    public async Task Updating_only_notes_keeps_the_reset_timestamp()
    {
        var me = await Http.RegisterAsync();
        using var created = await Http.SendAsync(HttpMethod.Post, "/api/incident-timers", new { reset_timestamp = "2023-03-03T03:03:03Z", notes = "a" }, me.Token);
        var timer = await created.JsonAsync();

        using var updated = await Http.SendAsync(HttpMethod.Put, $"/api/incident-timers/{timer.GetProperty("id").GetString()}", new { notes = "only notes" }, me.Token);
        var after = await updated.JsonAsync();
        Assert.Equal(timer.GetProperty("reset_timestamp").GetDateTimeOffset(), after.GetProperty("reset_timestamp").GetDateTimeOffset());
        Assert.Equal("only notes", after.GetProperty("notes").GetString());
        Assert.True(after.GetProperty("updated_at").GetDateTimeOffset() > timer.GetProperty("updated_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Public_timer_is_the_newest_by_reset_timestamp_with_the_display_name()
    {
        var owner = await Http.RegisterAsync("Public Timer Owner");
        // Created newest-reset first, so creation order and id order both disagree with reset order.
        foreach (var (reset, notes) in new[] { ("2025-06-01T00:00:00Z", "newest"), ("2020-01-01T00:00:00Z", "oldest"), ("2022-01-01T00:00:00Z", "middle") })
        {
            using var created = await Http.SendAsync(HttpMethod.Post, "/api/incident-timers", new { reset_timestamp = reset, notes }, owner.Token);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var response = await Http.SendAsync(HttpMethod.Get, $"/api/{owner.Slug}/incident-timer");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var timer = await response.JsonAsync();
        Assert.Equal("newest", timer.GetProperty("notes").GetString());
        Assert.Equal("Public Timer Owner", timer.GetProperty("user_display_name").GetString());
        Assert.False(timer.TryGetProperty("user_id", out _));

        using var list = await Http.SendAsync(HttpMethod.Get, "/api/incident-timers", token: owner.Token);
        Assert.Equal(["newest", "middle", "oldest"], (await list.JsonAsync()).EnumerateArray().Select(t => t.GetProperty("notes").GetString()));
    }

    [Fact]
    public async Task Unknown_slug_and_user_without_timers_get_404()
    {
        var noTimers = await Http.RegisterAsync();
        foreach (var slug in new[] { "no-such-user-" + Guid.NewGuid().ToString("N"), noTimers.Slug })
        {
            using var response = await Http.SendAsync(HttpMethod.Get, $"/api/{slug}/incident-timer");
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "No timer found for this user");
        }
    }

    [Fact]
    public async Task Another_users_timer_is_not_found_and_never_listed()
    {
        var a = await Http.RegisterAsync();
        var b = await Http.RegisterAsync();
        using var created = await Http.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "A's" }, a.Token);
        var id = (await created.JsonAsync()).GetProperty("id").GetString();

        using var put = await Http.SendAsync(HttpMethod.Put, $"/api/incident-timers/{id}", new { notes = "B was here" }, b.Token);
        await put.AssertProblemAsync(HttpStatusCode.NotFound, "Timer not found");
        using var delete = await Http.SendAsync(HttpMethod.Delete, $"/api/incident-timers/{id}", token: b.Token);
        await delete.AssertProblemAsync(HttpStatusCode.NotFound, "Timer not found");
        using var list = await Http.SendAsync(HttpMethod.Get, "/api/incident-timers", token: b.Token);
        Assert.Empty((await list.JsonAsync()).EnumerateArray());

        using var mine = await Http.SendAsync(HttpMethod.Get, "/api/incident-timers", token: a.Token);
        Assert.Equal("A's", Assert.Single((await mine.JsonAsync()).EnumerateArray()).GetProperty("notes").GetString());
    }

    [Fact]
    public async Task A_still_valid_token_of_a_deleted_account_creates_no_timer_and_gets_404()
    {
        var gone = await Http.RegisterAsync();
        await using (var db = await Connections.OpenAsync(fixture.OwnerConnectionString))
        {
            Assert.Equal(1, await db.ExecuteAsync("DELETE FROM users WHERE id = $1", Guid.Parse(gone.Id)));
        }

        using var created = await Http.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "orphan" }, gone.Token);
        await created.AssertProblemAsync(HttpStatusCode.NotFound, "User not found");
        await using var check = await Connections.OpenAsync(fixture.OwnerConnectionString);
        Assert.Equal(0L, await check.ScalarAsync<long>("SELECT count(*) FROM incident_timers WHERE user_id = $1", Guid.Parse(gone.Id)));
    }

    /// <summary>
    /// The earliest instant a client can send is kept as sent (PostgreSQL stores it as -infinity, which Npgsql
    /// reads back as the same instant), not replaced by now() as when EF took it for "no value".
    /// </summary>
    [Fact]
    public async Task The_earliest_reset_timestamp_is_stored_as_sent_and_sorts_oldest()
    {
        var me = await Http.RegisterAsync();
        using var created = await Http.SendAsync(HttpMethod.Post, "/api/incident-timers", new { reset_timestamp = "0001-01-01T00:00:00Z", notes = "earliest" }, me.Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(DateTimeOffset.MinValue, (await created.JsonAsync()).GetProperty("reset_timestamp").GetDateTimeOffset());
        using var newer = await Http.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "now" }, me.Token);
        Assert.Equal(HttpStatusCode.Created, newer.StatusCode);

        using var list = await Http.SendAsync(HttpMethod.Get, "/api/incident-timers", token: me.Token);
        var timers = (await list.JsonAsync()).EnumerateArray().ToList();
        Assert.Equal(["now", "earliest"], timers.Select(t => t.GetProperty("notes").GetString()));
        Assert.Equal(DateTimeOffset.MinValue, timers[1].GetProperty("reset_timestamp").GetDateTimeOffset());
    }
}
