using System.Diagnostics;
using KennWilliamson.Tests.Deployment;
using KennWilliamson.Tests.Infrastructure;
using Xunit.Abstractions;

namespace KennWilliamson.Tests.Reliability;

/// <summary>
/// The worker starts while PostgreSQL is still unreachable (external mode: nothing in the model to wait
/// for), retries, and succeeds once the server comes up 15 s later; the API starts only after it.
/// </summary>
[Collection(AppHostSequence.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
public sealed class LateDatabaseTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _appDbPassword = AppHostFactory.Secret();
    private ExternalPostgresServer _server = null!;
    private DistributedApplication? _app;

    [Fact]
    public async Task The_worker_waits_for_a_late_database_and_the_api_starts_after_it()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await _server.StopAsync(); // unreachable: connections are refused
        var builder = await AppHostFactory.CreateExternalAsync(_server.OwnerConnectionString, _appDbPassword, cts.Token);
        _app = await builder.BuildAsync(cts.Token);
        // StartAsync returns once every resource has started, and the API starts only after the worker
        // exits: so the checks below run while it is still starting.
        var starting = _app.StartAsync(cts.Token);

        // The worker process is up while the database refuses connections (found by this app's secret).
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (ProcessScan.Mentioning("KennWilliamson.MigrationService", _appDbPassword).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker did not start");
            await Task.Delay(250, cts.Token);
        }
        var down = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(6), cts.Token); // the worker retries for longer than this
        Assert.NotEmpty(ProcessScan.Mentioning("KennWilliamson.MigrationService", _appDbPassword)); // still retrying, not failed
        Assert.Empty(ProcessScan.Mentioning("KennWilliamson.Api", _appDbPassword)); // the API waits for it

        await _server.StartAgainAsync();
        output.WriteLine($"database unreachable for {down.Elapsed.TotalSeconds:F1} s after the worker started");

        await starting.WaitAsync(cts.Token);
        var finished = await _app.ResourceNotifications.WaitForResourceAsync("migrations",
            e => e.Snapshot.State?.Text is "Finished" or "Exited" or "FailedToStart", cts.Token).WaitAsync(cts.Token);
        Assert.Equal(0, finished.Snapshot.ExitCode);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token).WaitAsync(cts.Token);
        using var http = _app.CreateHttpClient("api", "http");
        using var health = await http.GetAsync(new Uri("/api/health/db", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(30), cts.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    public async Task InitializeAsync() => _server = await ExternalPostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
            await _app.DisposeAsync();
        }
        await _server.DisposeAsync();
    }
}
