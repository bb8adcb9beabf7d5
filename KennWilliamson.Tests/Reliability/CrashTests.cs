using System.Globalization;
using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace KennWilliamson.Tests.Reliability;

/// <summary>
/// PostgreSQL is killed (immediate shutdown: no checkpoint) three times under write load and started
/// again; what the clients were told is then checked against what the table holds.
/// </summary>
[Collection(AppHostSequence.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
public sealed class CrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Clients = 8;
    private const int Crashes = 3;
    private readonly string _dataRoot = TestPaths.NewTempDirectory("crash");
    private DistributedApplication? _app;

    private string DataDirectory => Path.Combine(_dataRoot, "data");

    [Fact]
    public async Task Acknowledged_writes_survive_crashes_and_the_api_answers_503_then_recovers()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var builder = await AppHostFactory.CreateLocalAsync(DataDirectory);
        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token).WaitAsync(cts.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token).WaitAsync(AppHostFactory.StartTimeout, cts.Token);
        using var api = _app.CreateHttpClient("api", "http");
        api.Timeout = TimeSpan.FromSeconds(20);
        var owner = await _app.GetConnectionStringAsync("kennwilliamson", cts.Token) ?? throw new InvalidOperationException();

        var accounts = new List<Account>();
        for (var i = 0; i <= Clients; i++)
        {
            accounts.Add(await api.RegisterAsync());
        }
        var probe = accounts[^1];
        var load = new WriteLoad(api, accounts[..Clients]);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);

        var recoveries = new List<TimeSpan>();
        for (var crash = 1; crash <= Crashes; crash++)
        {
            await Task.Delay(TimeSpan.FromSeconds(3), cts.Token);
            await KillPostgresImmediatelyAsync(cts.Token);
            await Task.Delay(TimeSpan.FromSeconds(3), cts.Token); // the clients run into the outage

            await _app.ResourceCommands.ExecuteCommandAsync("postgres", "resource-start", cts.Token).WaitAsync(TimeSpan.FromSeconds(60), cts.Token);
            var databaseBack = await UntilAsync(() => CanConnectAsync(owner), TimeSpan.FromSeconds(60), cts.Token);
            var apiBack = await UntilAsync(async () =>
            {
                using var response = await api.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "probe" }, probe.Token);
                return response.StatusCode == HttpStatusCode.Created;
            }, TimeSpan.FromSeconds(30), cts.Token);
            recoveries.Add(apiBack - databaseBack);
        }
        await Task.Delay(TimeSpan.FromSeconds(2), cts.Token);
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(60), cts.Token);

        var outcomes = load.Outcomes.ToList();
        var unavailable = outcomes.Where(o => o.Status == 503).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{outcomes.Count} requests: {outcomes.Count(o => o.Status is 200 or 201)} acknowledged, {unavailable.Count} answered 503, " +
            $"slowest {outcomes.Max(o => o.Elapsed).TotalMilliseconds:F0} ms, slowest 503 {unavailable.Select(o => o.Elapsed.TotalMilliseconds).DefaultIfEmpty().Max():F0} ms; " +
            $"API back {string.Join(", ", recoveries.Select(r => $"{r.TotalSeconds:F2} s"))} after the database; {load.Timers.Count} timers acknowledged"));

        Assert.Empty(load.Failures);
        Assert.All(outcomes, o => Assert.True(o.Status is 200 or 201 or 503, $"{o.Kind} answered {o.Status}"));
        Assert.NotEmpty(unavailable); // the outages were seen
        Assert.All(unavailable, o =>
        {
            Assert.Equal("application/problem+json", o.ContentType);
            Assert.True(o.RetryAfter, "503 without Retry-After");
        });
        Assert.All(outcomes, o => Assert.True(o.Elapsed < TimeSpan.FromSeconds(5), $"{o.Kind} took {o.Elapsed.TotalSeconds:F1} s"));
        Assert.All(recoveries, r => Assert.True(r < TimeSpan.FromSeconds(10), $"the API took {r.TotalSeconds:F1} s to serve again"));

        // Unpooled: this process's pool (the AppHost's health checks share it) still holds connections the crashes broke.
        await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(owner) { Pooling = false }.ConnectionString);
        await db.OpenAsync(cts.Token);
        var stored = new Dictionary<string, string?>();
        await using (var read = new NpgsqlCommand("SELECT id::text, notes FROM incident_timers WHERE id = ANY($1)", db)
                     { Parameters = { new() { Value = load.Timers.Keys.Select(Guid.Parse).ToArray() } } })
        await using (var reader = await read.ExecuteReaderAsync(cts.Token))
        {
            while (await reader.ReadAsync(cts.Token))
            {
                stored[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }
        Assert.All(load.Timers, t =>
        {
            Assert.True(stored.ContainsKey(t.Key), $"acknowledged timer {t.Key} is missing");
            Assert.True(t.Value.Allows(stored[t.Key]), $"timer {t.Key} holds '{stored[t.Key]}', not its acknowledged '{t.Value.Acknowledged}'");
        });
        await using var duplicates = new NpgsqlCommand("SELECT count(*) FROM (SELECT notes FROM incident_timers WHERE notes <> 'probe' GROUP BY notes HAVING count(*) > 1) d", db);
        Assert.Equal(0L, await duplicates.ExecuteScalarAsync(cts.Token)); // nothing was written twice
    }

    private async Task KillPostgresImmediatelyAsync(CancellationToken ct)
    {
        var pid = int.Parse((await File.ReadAllLinesAsync(Path.Combine(DataDirectory, "postmaster.pid"), ct))[0], CultureInfo.InvariantCulture);
        await ChildProcess.RunAsync("kill", ["-QUIT", pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(30), cancellationToken: ct);
        await UntilAsync(() => Task.FromResult(!Directory.Exists($"/proc/{pid}")), TimeSpan.FromSeconds(20), ct);
    }

    private static async Task<bool> CanConnectAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 2 }.ConnectionString);
            await connection.OpenAsync();
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds; returns when it first did.</summary>
    private static async Task<DateTimeOffset> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met within {timeout.TotalSeconds} s.");
            }
            await Task.Delay(100, ct);
        }
        return DateTimeOffset.UtcNow;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
            await _app.DisposeAsync();
        }
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_dataRoot, recursive: true);
    }
}
