using System.Net;
using System.Text;

namespace KennWilliamson.Tests.Infrastructure;

/// <summary>
/// A stand-in OpenTelemetry collector (what the dashboard is to a resource): OTLP over HTTP/protobuf on a
/// loopback port, keeping the body of every metrics and trace export (logs are taken and dropped). Metric names, span
/// names and attribute values are plain UTF-8 in the protobuf payload, so a byte search tells whether they were exported.
/// </summary>
public sealed class OtlpCollector : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<byte[]> _bodies = [];
    private readonly List<byte[]> _traces = [];
    private readonly Dictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public OtlpCollector()
    {
        Endpoint = $"http://127.0.0.1:{LoopbackPort.Free()}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(ReceiveAsync);
    }

    public string Endpoint { get; }

    /// <summary>How many exports arrived at <paramref name="path"/> (/v1/metrics, /v1/traces, /v1/logs).</summary>
    public int Requests(string path)
    {
        lock (_bodies)
        {
            return _requests.GetValueOrDefault(path);
        }
    }

    /// <summary>The bodies of the trace exports received so far.</summary>
    public IReadOnlyList<byte[]> TraceBodies()
    {
        lock (_bodies)
        {
            return [.. _traces];
        }
    }

    /// <summary>
    /// An API process of its own whose exporter sends here (metrics every second, spans within half a second), with
    /// <paramref name="settings"/>: a process, since activity sources and meters are global to one.
    /// </summary>
    public Task<ApiProcess> StartApiAsync(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        return ApiProcess.StartAsync(all);
    }

    /// <summary>Waits until every one of <paramref name="texts"/> has appeared in what was received.</summary>
    public async Task WaitForAsync(IReadOnlyList<string> texts, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            byte[][] bodies;
            lock (_bodies)
            {
                bodies = [.. _bodies];
            }
            var missing = texts.Where(t => !bodies.Any(b => b.AsSpan().IndexOf(Encoding.UTF8.GetBytes(t)) >= 0)).ToList();
            if (missing.Count == 0)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline,
                $"Not exported within {timeout.TotalSeconds} s: {string.Join(", ", missing)} ({bodies.Length} metrics exports received).");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var path = context.Request.Url?.AbsolutePath ?? "";
            lock (_bodies)
            {
                _requests[path] = _requests.GetValueOrDefault(path) + 1;
                if (path == "/v1/metrics")
                {
                    _bodies.Add(body.ToArray());
                }
                else if (path == "/v1/traces")
                {
                    _traces.Add(body.ToArray());
                }
            }
            context.Response.StatusCode = (int)HttpStatusCode.OK;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
