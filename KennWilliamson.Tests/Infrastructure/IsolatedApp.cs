using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace KennWilliamson.Tests.Infrastructure;

/// <summary>
/// An AppHost of a test class's own (local mode, fresh data directory) with the secrets it was given known
/// to the test, for tests that change settings or wipe the database.
/// </summary>
public sealed class IsolatedApp : IAsyncDisposable
{
    private readonly string _dataRoot;

    private IsolatedApp(string dataRoot, DistributedApplication app, HttpClient api)
    {
        _dataRoot = dataRoot;
        App = app;
        Api = api;
    }

    public DistributedApplication App { get; }
    public HttpClient Api { get; }
    public string BackupDirectory => Path.Combine(_dataRoot, "backups");
    public string DataRoot => _dataRoot;

    /// <summary>Starts it with <paramref name="args"/> after the factory's (so they win) and waits for a healthy API.</summary>
    public static Task<IsolatedApp> StartAsync(string purpose, params string[] args) => StartAsync(purpose, null, args);

    /// <summary>As above, with a change to the model (e.g. a resource's environment) before it is built.</summary>
    public static async Task<IsolatedApp> StartAsync(string purpose, Action<IDistributedApplicationTestingBuilder>? configure, params string[] args)
    {
        var dataRoot = TestPaths.NewTempDirectory(purpose);
        using var cts = new CancellationTokenSource(AppHostFactory.StartTimeout);
        var builder = await AppHostFactory.CreateLocalAsync(Path.Combine(dataRoot, "data"),
            [$"--Backups:Directory={Path.Combine(dataRoot, "backups")}", .. args]);
        configure?.Invoke(builder);
        var app = await builder.BuildAsync(cts.Token).WaitAsync(cts.Token);
        await app.StartAsync(cts.Token).WaitAsync(cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token).WaitAsync(cts.Token);
        var api = app.CreateHttpClient("api", "http");
        api.Timeout = TimeSpan.FromSeconds(30);
        return new IsolatedApp(dataRoot, app, api);
    }

    public async Task<string> ConnectionStringAsync(string resource) =>
        await App.GetConnectionStringAsync(resource) ?? throw new InvalidOperationException($"{resource} has no connection string");

    /// <summary>Every line <paramref name="resource"/> has logged so far (the backlog the dashboard shows).</summary>
    public async Task<List<string>> LogsAsync(string resource)
    {
        var loggers = App.Services.GetRequiredService<ResourceLoggerService>();
        var model = App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var lines = new List<string>();
        await foreach (var batch in loggers.GetAllAsync(model).WithCancellation(cts.Token))
        {
            lines.AddRange(batch.Select(l => l.Content));
        }
        return lines;
    }

    /// <summary>The first line of <paramref name="resource"/>'s log containing <paramref name="text"/>, waited for.</summary>
    public async Task<string> WaitForLogAsync(string resource, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if ((await LogsAsync(resource)).FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{resource} did not log \"{text}\" within {timeout.TotalSeconds} s.");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await App.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await App.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (IOException)
        {
            // A server still shutting down may hold a file; the folder is in /tmp.
        }
    }
}
