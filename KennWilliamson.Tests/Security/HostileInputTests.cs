using System.Net;
using System.Net.Http.Headers;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Security;

/// <summary>
/// A corpus of hostile requests across every route. None may get a 5xx, and afterwards the database
/// holds exactly the rows that the requests answered 201 for. The fuzz suite's findings are regression tests
/// in HostileInputTests.Findings.cs.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed partial class HostileInputTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task HostileRequestsGetNo5xxAndLeaveNoRowTheyShouldNot()
    {
        var user = await fixture.Api.RegisterAsync();
        var victim = await fixture.Api.RegisterAsync();
        var admin = await Admins.CreateAsync(fixture);
        // The PUTs aim at another user's timer: every one must fail and leave it as it was.
        using var created = await fixture.Api.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "target" }, victim.Token);
        var victimTimer = await created.JsonAsync();
        var timerId = victimTimer.GetProperty("id").GetString()!;

        var probes = Corpus(timerId).ToList();
        Assert.True(probes.Count >= 200, $"only {probes.Count} probes");
        var failures = new List<string>();
        var registered = 0;
        var timersCreated = 0;
        foreach (var probe in probes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(probe.Method), probe.Path);
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", ApiClient.RandomClientAddress());
            if (probe.Authenticated)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", probe.Path.StartsWith("/api/admin", StringComparison.Ordinal) ? admin.Token : user.Token);
            }
            if (probe.Body is not null)
            {
                request.Content = new ByteArrayContent(probe.Body);
                // Large bodies go as a careful client sends them: the server may refuse before the upload.
                request.Headers.ExpectContinue = probe.Body.Length > 1024 * 1024;
                if (probe.ContentType is not null)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", probe.ContentType);
                }
            }
            using var response = await fixture.Api.SendAsync(request).WaitAsync(ApiClient.Timeout);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{probe.Method} {probe.Path[..Math.Min(probe.Path.Length, 80)]} ({probe.ContentType}, {probe.Body?.Length} bytes) -> {(int)response.StatusCode}");
            }
            if (response.StatusCode == HttpStatusCode.Created && probe.Path == "/api/incident-timers")
            {
                timersCreated++;
            }
            if (response.IsSuccessStatusCode && probe.Path.Contains(timerId, StringComparison.Ordinal))
            {
                failures.Add($"{probe.Method} on another user's timer answered {(int)response.StatusCode}");
            }
            if (response.StatusCode == HttpStatusCode.Created && probe.Path == "/api/auth/register")
            {
                registered++;
                var name = (await response.JsonAsync()).GetProperty("user").GetProperty("display_name").GetString();
                var sent = System.Text.Json.JsonDocument.Parse(probe.Body!).RootElement;
                // Injection strings are stored verbatim and come back intact.
                if (Injections.Contains(sent.GetProperty("display_name").GetString()))
                {
                    Assert.Equal(sent.GetProperty("display_name").GetString(), name);
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));

        await using var db = await Connections.OpenAsync(fixture.OwnerConnectionString);
        await using var marked = new Npgsql.NpgsqlCommand($"SELECT count(*) FROM users WHERE email LIKE '%@{Marker}'", db);
        Assert.Equal((long)registered, await marked.ExecuteScalarAsync());
        await using (var timers = new Npgsql.NpgsqlCommand("SELECT count(*) FROM incident_timers WHERE user_id = $1", db)
        { Parameters = { new() { Value = Guid.Parse(user.Id) } } })
        {
            Assert.Equal((long)timersCreated, await timers.ExecuteScalarAsync()); // only what was answered 201
        }
        await using var victimRow = new Npgsql.NpgsqlCommand("SELECT notes, reset_timestamp, updated_at FROM incident_timers WHERE id = $1", db)
        { Parameters = { new() { Value = Guid.Parse(timerId) } } };
        await using var reader = await victimRow.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("target", reader.GetString(0));
        Assert.Equal(victimTimer.GetProperty("reset_timestamp").GetDateTimeOffset(), reader.GetFieldValue<DateTimeOffset>(1));
        Assert.Equal(victimTimer.GetProperty("updated_at").GetDateTimeOffset(), reader.GetFieldValue<DateTimeOffset>(2));
        Assert.True(registered >= Injections.Length, $"only {registered} valid registrations with injection strings succeeded");
    }
}
