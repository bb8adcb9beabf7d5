using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Keeps at most <c>maxPerSecond</c> of the traces that the inner sampler keeps, per clock second:
/// while traffic is light (development, a quiet day) every trace is kept; under load the trace count stops
/// growing with the request rate. Without a cap the exporter's queue (2,048 spans) overflows above a few
/// thousand requests a second and drops spans one by one, so parents lose children at random and the
/// collector still pays for all it receives (docs/benchmarks-reference.md measured both). Counted where a trace
/// enters this process: a root, or a parent from another process (a caller's <c>traceparent</c> header, which
/// anyone can send with its "sampled" flag set: the cap holds for them too). A span inside a trace this process
/// already keeps is never dropped, so a kept trace is whole.
/// </summary>
public sealed class TraceRateSampler : Sampler
{
    private const int CountBits = 24;
    private const long CountMask = (1L << CountBits) - 1;
    private const long SecondMask = (1L << (63 - CountBits)) - 1;
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private readonly Sampler _inner;
    private readonly int _maxPerSecond;
    private readonly TimeProvider _time;

    // The second being counted and how many traces it kept, in one 64-bit word so that moving to a new second
    // and counting in it cannot interleave: the second (since the clock's start; 39 bits) above, the count in
    // the low 24 bits.
    private long _window;

    public TraceRateSampler(Sampler inner, int maxPerSecond, TimeProvider time)
    {
        _inner = inner;
        _maxPerSecond = maxPerSecond is >= 1 and <= (int)CountMask ? maxPerSecond
            : throw new InvalidOperationException($"Telemetry:MaxTracesPerSecond is {maxPerSecond}; use a whole number from 1 to {CountMask}.");
        _time = time;
        Description = $"{inner.Description}, at most {maxPerSecond} per second";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var result = _inner.ShouldSample(samplingParameters);
        var parent = samplingParameters.ParentContext;
        var insideKeptTrace = parent.TraceId != default && !parent.IsRemote;
        return result.Decision == SamplingDecision.Drop || insideKeptTrace || TryTake() ? result : Drop;
    }

    private bool TryTake()
    {
        var now = (_time.GetTimestamp() / _time.TimestampFrequency) & SecondMask;
        while (true)
        {
            var seen = Volatile.Read(ref _window);
            // Never back: a thread that read the clock just before another moved the window on counts in the
            // newer second, so no second hands out more than the cap.
            var second = Math.Max(now, seen >> CountBits);
            var count = (seen >> CountBits) == second ? seen & CountMask : 0;
            if (count >= _maxPerSecond)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _window, (second << CountBits) | (count + 1), seen) == seen)
            {
                return true;
            }
        }
    }
}
