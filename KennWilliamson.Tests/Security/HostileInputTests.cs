using System.Net;
using System.Net.Http.Headers;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using System.Text;

namespace KennWilliamson.Tests.Security;

/// <summary>
/// A corpus of hostile requests across every route. None may get a 5xx, and afterwards the database
/// holds exactly the rows that the requests answered 201 for. The fuzz suite's findings are regression tests
/// in FuzzFindingTests.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class HostileInputTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Hostile_requests_get_no_5xx_and_leave_no_row_they_should_not()
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

    private const string Marker = "corpus.example";

    private sealed record Probe(string Method, string Path, byte[]? Body, string? ContentType, bool Authenticated);

    private static readonly string[] Injections =
    [
        "Robert'); DROP TABLE users;--", "' OR '1'='1", "1; SELECT pg_sleep(10)--", "\"; DELETE FROM incident_timers; --",
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{{7*7}}", "${jndi:ldap://x}", "%00%27", "😀 ünïcödé \u202e",
    ];

    private static IEnumerable<Probe> Corpus(string timerId)
    {
        string[] jsonRoutes = ["/api/auth/register", "/api/auth/login", "/api/auth/refresh", "/api/auth/logout", "/api/auth/preview-slug", "/api/incident-timers", $"/api/incident-timers/{timerId}"];
        string[] malformed = ["{", "{\"email\":", "{\"a\":1,,}", "nul", "\"str\"", "[]", "{\"email\": \"x\"", "}{", "{\"email\":\"a\"}}", "\u0000", ""];
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 500)) + "1" + new string('}', 500);
        var deepArray = new string('[', 2000) + new string(']', 2000);
        var longText = new string('x', 200_000);

        foreach (var route in jsonRoutes)
        {
            var method = route.Contains(timerId, StringComparison.Ordinal) ? "PUT" : "POST";
            var auth = route.StartsWith("/api/incident-timers", StringComparison.Ordinal);
            foreach (var body in malformed)
            {
                yield return new(method, route, Encoding.UTF8.GetBytes(body), "application/json", auth);
            }
            yield return new(method, route, Encoding.UTF8.GetBytes(deep), "application/json", auth);
            yield return new(method, route, Encoding.UTF8.GetBytes(deepArray), "application/json", auth);
            // Invalid UTF-8 inside a string, and a lone surrogate escape.
            yield return new(method, route, [.. "{\"email\":\""u8, 0xFF, 0xFE, 0xC0, 0xAF, .. "\",\"display_name\":\"x\",\"notes\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8], "application/json", auth);
            yield return new(method, route, Encoding.UTF8.GetBytes("{\"display_name\":\"\\ud800\",\"notes\":\"\\udfff\"}"), "application/json", auth);
            foreach (var contentType in new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", null })
            {
                yield return new(method, route, Encoding.UTF8.GetBytes("{\"email\":\"a@b.c\"}"), contentType, auth);
            }
            yield return new(method, route, Encoding.UTF8.GetBytes("{\"email\":1,\"password\":2,\"display_name\":3,\"refresh_token\":4,\"notes\":5,\"reset_timestamp\":6}"), "application/json", auth);
            yield return new(method, route, Encoding.UTF8.GetBytes("{\"email\":[\"a\"],\"password\":{\"b\":1},\"display_name\":true,\"notes\":[],\"reset_timestamp\":{}}"), "application/json", auth);
            yield return new(method, route, Encoding.UTF8.GetBytes($"{{\"email\":\"{longText}\",\"password\":\"{longText}\",\"display_name\":\"{longText}\",\"notes\":\"{longText}\",\"refresh_token\":\"{longText}\"}}"), "application/json", auth);
            yield return new(method, route, Encoding.UTF8.GetBytes("{\"reset_timestamp\":\"9999-99-99T99:99:99Z\",\"notes\":\"x\"}"), "application/json", auth);
            yield return new(method, route, Encoding.UTF8.GetBytes("{\"reset_timestamp\":\"-infinity\"}"), "application/json", auth);
            yield return new(method, route, Encoding.UTF8.GetBytes("{\"reset_timestamp\":\"0001-01-01T00:00:00+14:00\"}"), "application/json", auth);
            yield return new(method, route, new byte[10 * 1024 * 1024], "application/json", auth);
        }

        // Injection and script strings in every text field, with otherwise valid requests.
        foreach (var injection in Injections)
        {
            var json = System.Text.Json.JsonSerializer.Serialize(new
            {
                email = $"inj.{Guid.NewGuid():N}@{Marker}", password = ApiClient.Password, display_name = injection,
            });
            yield return new("POST", "/api/auth/register", Encoding.UTF8.GetBytes(json), "application/json", false);
            // Duplicate keys: the later one wins, or the request is refused; never a 5xx.
            yield return new("POST", "/api/auth/register", Encoding.UTF8.GetBytes(
                $"{{\"email\":\"dup.{Guid.NewGuid():N}@{Marker}\",\"email\":\"dup2.{Guid.NewGuid():N}@{Marker}\",\"password\":\"{ApiClient.Password}\",\"display_name\":\"dup\",\"display_name\":\"dup2\"}}"), "application/json", false);
            yield return new("POST", "/api/auth/login", Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { email = injection, password = injection })), "application/json", false);
            yield return new("POST", "/api/auth/preview-slug", Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { display_name = injection })), "application/json", false);
            var escaped = Uri.EscapeDataString(injection);
            yield return new("GET", $"/api/{escaped}/incident-timer", null, null, false);
            yield return new("PUT", $"/api/incident-timers/{escaped}", Encoding.UTF8.GetBytes("{\"notes\":\"x\"}"), "application/json", true);
            yield return new("DELETE", $"/api/incident-timers/{escaped}", null, null, true);
            yield return new("PUT", $"/api/admin/users/{escaped}/roles/{escaped}", null, null, true);
        }

        // Path tricks in slugs and ids.
        foreach (var trick in new[] { "..", "..%2f..%2fetc%2fpasswd", "%2e%2e", "%00", "%25", "a%2fb", "~root", ".%00.", new string('s', 5000), "%C0%AE%C0%AE", "kenn%20", "KENN" })
        {
            yield return new("GET", $"/api/{trick}/incident-timer", null, null, false);
            yield return new("DELETE", $"/api/incident-timers/{trick}", null, null, true);
            yield return new("GET", $"/api/admin/users/{trick}/roles/admin", null, null, true);
        }
        foreach (var query in new[] { "page=-1&page_size=-5", "page=99999999999", "page_size=abc", "limit=0", "limit=-9", "page=1e9" })
        {
            yield return new("GET", $"/api/admin/audit-events?{query}", null, null, true);
            yield return new("GET", $"/api/admin/users?{query}", null, null, true);
            yield return new("GET", $"/api/admin/slow-queries?{query}", null, null, true);
        }
    }
}
