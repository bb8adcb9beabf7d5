using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Caps kept traces per second where they enter the process, so an overflowing exporter queue never splits a
/// trace; spans inside a kept trace are never dropped (docs/benchmarks-reference.md).
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

    // Second (high bits) and count (low 24) in one word, so moving to a new second and counting cannot interleave.
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
            // Never back: a stale clock read counts in the newer second, so no second exceeds the cap.
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
