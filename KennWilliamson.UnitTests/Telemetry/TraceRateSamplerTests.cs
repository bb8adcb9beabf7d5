using System.Diagnostics;
using CsCheck;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace KennWilliamson.UnitTests.Telemetry;

/// <summary>Telemetry:MaxTracesPerSecond: the cap on top of the trace sample ratio (a clock the test moves).</summary>
[Trait("Category", "Unit")]
public sealed class TraceRateSamplerTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }
        public override long TimestampFrequency => 1_000;
        public override long GetTimestamp() => Ticks;
    }

    private static bool Sampled(Sampler sampler) =>
        sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), "GET /", ActivityKind.Server)).Decision
            == SamplingDecision.RecordAndSample;

    [Fact]
    public void Each_second_keeps_every_trace_up_to_the_cap_and_none_beyond() =>
        // Random bursts: (milliseconds to move the clock, traces asked for at that moment), any cap, and a clock
        // that has run anywhere from zero to 300 years (a host's uptime: 97 and 194 days are in range).
        Gen.Select(Gen.Int[1, 50], Gen.Select(Gen.Int[0, 2_500], Gen.Int[0, 80]).Array[1, 60], Gen.Long[0, 10_000_000_000_000]).Sample((cap, bursts, start) =>
        {
            var clock = new ManualClock { Ticks = start };
            var sampler = new TraceRateSampler(new AlwaysOnSampler(), cap, clock);
            var asked = new Dictionary<long, int>();
            var kept = new Dictionary<long, int>();
            foreach (var (advance, traces) in bursts)
            {
                clock.Ticks += advance;
                var second = clock.Ticks / 1_000;
                for (var i = 0; i < traces; i++)
                {
                    asked[second] = asked.GetValueOrDefault(second) + 1;
                    kept[second] = kept.GetValueOrDefault(second) + (Sampled(sampler) ? 1 : 0);
                }
            }
            // Within a second: every trace while under the cap, then none; a new second starts afresh.
            return asked.All(a => kept[a.Key] == Math.Min(a.Value, cap));
        });

    [Fact]
    public void A_thread_that_read_the_clock_late_counts_in_the_newer_second()
    {
        var clock = new ManualClock { Ticks = 8_400_000_000 }; // second 8,400,000: past 2^23, 97 days of uptime
        var sampler = new TraceRateSampler(new AlwaysOnSampler(), 10, clock);
        Assert.Equal(10, Enumerable.Range(0, 50).Count(_ => Sampled(sampler)));

        // Threads that read the previous second before the window moved on: they get nothing more this second.
        clock.Ticks -= 1_000;
        Assert.Equal(0, Enumerable.Range(0, 50).Count(_ => Sampled(sampler)));
        clock.Ticks += 2_000;
        Assert.Equal(10, Enumerable.Range(0, 50).Count(_ => Sampled(sampler)));
    }

    [Fact]
    public async Task Concurrent_requests_in_one_second_keep_exactly_the_cap()
    {
        var sampler = new TraceRateSampler(new AlwaysOnSampler(), 100, new ManualClock { Ticks = 5_000 });
        var kept = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                if (Sampled(sampler))
                {
                    Interlocked.Increment(ref kept);
                }
            }
        })));
        Assert.Equal(100, kept);
    }

    [Fact]
    public void What_the_ratio_drops_is_dropped_and_does_not_use_the_cap()
    {
        var clock = new ManualClock();
        var none = new TraceRateSampler(new TraceIdRatioBasedSampler(0), 10, clock);
        Assert.DoesNotContain(true, Enumerable.Range(0, 1_000).Select(_ => Sampled(none)));

        // A tenth by trace id, capped at 5,000 a second: about 10,000 / 10 kept, so the cap never bites.
        var tenth = new TraceRateSampler(new TraceIdRatioBasedSampler(0.1), 5_000, clock);
        var kept = Enumerable.Range(0, 10_000).Count(_ => Sampled(tenth));
        Assert.InRange(kept, 800, 1_200);
    }

    [Fact]
    public void A_forged_sampled_parent_counts_against_the_cap_but_spans_inside_a_kept_trace_never_do()
    {
        var sampler = new TraceRateSampler(new ParentBasedSampler(new AlwaysOnSampler()), 3, new ManualClock());
        bool Decide(bool remote) => sampler.ShouldSample(new SamplingParameters(
            new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: remote),
            ActivityTraceId.CreateRandom(), "span", ActivityKind.Server)).Decision == SamplingDecision.RecordAndSample;

        // A caller's traceparent with the sampled flag, 100 times in one second: the cap's 3, no more.
        Assert.Equal(3, Enumerable.Range(0, 100).Count(_ => Decide(remote: true)));
        // Child spans of a trace this process keeps (the database span under the request's): all kept, cap or not.
        Assert.Equal(100, Enumerable.Range(0, 100).Count(_ => Decide(remote: false)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(16_777_216)]
    public void A_cap_that_is_no_count_stops_the_start_with_what_to_set(int cap)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new TraceRateSampler(new AlwaysOnSampler(), cap, TimeProvider.System));
        Assert.Contains("Telemetry:MaxTracesPerSecond", error.Message, StringComparison.Ordinal);
    }
}
