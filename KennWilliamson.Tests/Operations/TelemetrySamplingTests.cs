using System.Diagnostics;
using System.Net;
using System.Text;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// Telemetry:TraceSampleRatio and Telemetry:MaxTracesPerSecond, seen from a collector: 0 keeps no traces while
/// metrics still flow; the cap keeps every trace of light traffic and no more than it allows of a burst (the
/// default keeps every trace of light traffic: StorageMetricsTests' control).
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class TelemetrySamplingTests
{
    [Fact]
    public async Task With_a_trace_sample_ratio_of_0_the_api_exports_metrics_and_no_traces()
    {
        using var collector = new OtlpCollector();
        await using var app = await collector.StartApiAsync(("Telemetry:TraceSampleRatio", "0"));
        for (var i = 0; i < 20; i++)
        {
            using var response = await app.Api.SendAsync(HttpMethod.Get, $"/api/no-such-user-{i}/incident-timer");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        await collector.WaitForAsync(["kennwilliamson.db.size", "http.server.request.duration"], TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(2)); // four span export intervals

        Assert.Equal(0, collector.Requests("/v1/traces"));
    }

    [Fact]
    public async Task A_burst_of_requests_exports_no_more_traces_a_second_than_the_cap()
    {
        const int cap = 5;
        using var collector = new OtlpCollector();
        await using var app = await collector.StartApiAsync(("Telemetry:MaxTracesPerSecond", $"{cap}"));

        // Light traffic first: one request, well under the cap, is traced.
        using (var first = await app.Api.SendAsync(HttpMethod.Get, "/api/cap-first/incident-timer"))
        {
            Assert.Equal(HttpStatusCode.NotFound, first.StatusCode);
        }
        await WaitForTraceAsync(collector, "/api/cap-first/incident-timer");

        // Then 600 requests, 16 at a time, each with its own path, so each exported trace names its request; every
        // other one carries a forged traceparent with the "sampled" flag, which must not lift the cap.
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, 600), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var forged = i % 2 == 0
                ? new Dictionary<string, string> { ["traceparent"] = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01" }
                : null;
            using var response = await app.Api.SendAsync(HttpMethod.Get, $"/api/cap-probe-{i:D4}/incident-timer", headers: forged);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        });
        var seconds = (int)Math.Ceiling(clock.Elapsed.TotalSeconds);
        await Task.Delay(TimeSpan.FromSeconds(3)); // six span export intervals

        var exported = Enumerable.Range(0, 600).Count(i => Contains(collector, $"/api/cap-probe-{i:D4}/incident-timer"));
        // Each clock second the burst touched keeps at most the cap: at most seconds + 1 of them.
        Assert.InRange(exported, 1, cap * (seconds + 1));
        Assert.True(exported < 600, $"every one of the 600 requests was traced in {seconds} s");

        // Nor is each statement logged: Npgsql logs every command it completes at Information (appsettings.json
        // keeps Npgsql.Command at Warning; the spans carry the statements).
        var lines = app.Lines;
        Assert.Contains(lines, l => l.Contains("Now listening", StringComparison.Ordinal)); // the log was read
        Assert.DoesNotContain(lines, l => l.Contains("Command execution completed", StringComparison.Ordinal));
    }

    private static bool Contains(OtlpCollector collector, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return collector.TraceBodies().Any(b => b.AsSpan().IndexOf(bytes) >= 0);
    }

    private static async Task WaitForTraceAsync(OtlpCollector collector, string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Contains(collector, path))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no trace of {path} within 30 s");
            await Task.Delay(250);
        }
    }
}
