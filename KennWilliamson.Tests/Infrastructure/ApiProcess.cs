using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace KennWilliamson.Tests.Infrastructure;

/// <summary>
/// The API's own build as a process of its own over a <see cref="TestDatabaseServer"/>, for what is global to a
/// process: OpenTelemetry's activity sources and meters are shared by every host in one process, so a test of
/// what one API exports cannot share its process with the other in-process APIs.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _lines = new();
    private ChildProcess? _process;

    private ApiProcess(TestDatabaseServer database, TestRedisServer limits, HttpClient api)
    {
        Database = database;
        Limits = limits;
        Api = api;
    }

    public TestDatabaseServer Database { get; }
    public TestRedisServer Limits { get; }
    public HttpClient Api { get; }

    /// <summary>What it has written to its console so far.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Starts it with <paramref name="settings"/> (configuration keys) over a new server, and waits until /health answers.</summary>
    public static async Task<ApiProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var database = await TestDatabaseServer.StartAsync();
        var limits = await TestRedisServer.StartAsync();
        var port = LoopbackPort.Free();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"),
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__kennwilliamson"] = database.AppConnectionString,
            ["ConnectionStrings__limits"] = limits.ConnectionString,
            ["Jwt__SigningKey"] = AppHostFactory.Secret() + AppHostFactory.Secret(),
            ["Monitoring__DataDirectory"] = database.DataDirectory,
        };
        foreach (var (key, value) in settings)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var api = new HttpClient(new UntracedHandler()) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var running = new ApiProcess(database, limits, api);
        running._process = ChildProcess.Start("dotnet", [TestPaths.ProjectDll("KennWilliamson.Api")], environment,
            options: new ProcessOptions { OnOutput = running._lines.Enqueue, OnError = running._lines.Enqueue });
        await running.WaitHealthyAsync(running._process);
        return running;
    }

    /// <summary>The first line containing <paramref name="text"/>, waited for.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the API did not log \"{text}\" within {timeout.TotalSeconds} s");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private async Task WaitHealthyAsync(ChildProcess process)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            if (process.HasExited)
            {
                Assert.Fail($"the API exited ({(await process.WaitAsync()).ExitCode}): {string.Join('\n', Lines)}");
            }
            try
            {
                using var response = await Api.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            Assert.True(DateTime.UtcNow < deadline, $"the API did not become healthy within a minute: {string.Join('\n', Lines)}");
            // Once a second: probes are traced too, and count against a trace cap the test may set low.
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
        await Database.DisposeAsync();
        await Limits.DisposeAsync();
    }

    /// <summary>
    /// Sends no trace context of this process's own: the in-process APIs' HttpClient instrumentation would add a
    /// sampled traceparent, and the API would trace a request its own sampler would not. Headers a test sets stay.
    /// </summary>
    private sealed class UntracedHandler() : DelegatingHandler(new SocketsHttpHandler
    {
        ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
    })
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var suppressed = OpenTelemetry.SuppressInstrumentationScope.Begin();
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
