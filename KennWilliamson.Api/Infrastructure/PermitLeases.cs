using System.Collections.Concurrent;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// Permits this replica took from a shared budget ahead of need, spent here without asking the database. A lease
/// lives only until the end of the window segment it was counted in, so every permit is spent while the shared count
/// still holds it; permits left at the end stay counted (the budget can only be under-spent, never over-spent).
/// </summary>
public sealed class PermitLeases(TimeProvider time)
{
    /// <summary>Keys held at once; beyond it permits are taken one at a time, as without leases.</summary>
    public const int Capacity = 10_000;

    /// <summary>At most this many permits a lease, and never more than a twentieth of the limit.</summary>
    public const int MaxLease = 16;

    private readonly ConcurrentDictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _refilling = new(StringComparer.Ordinal);

    /// <summary>How many permits to take when this replica has none left for a key of <paramref name="limit"/>.</summary>
    public int SizeFor(IWindowLimit limit) => _leases.Count < Capacity ? Math.Clamp(limit.PermitLimit / 20, 1, MaxLease) : 1;

    /// <summary>Spends one leased permit of <paramref name="key"/>; false when none is left or the lease ended.</summary>
    public bool TrySpend(string key)
    {
        if (!_leases.TryGetValue(key, out var lease))
        {
            return false;
        }
        if (time.GetTimestamp() >= lease.Ends)
        {
            _leases.TryRemove(KeyValuePair.Create(key, lease));
            return false;
        }
        if (Interlocked.Decrement(ref lease.Remaining) >= 0)
        {
            return true;
        }
        _leases.TryRemove(KeyValuePair.Create(key, lease));
        return false;
    }

    /// <summary>
    /// One caller at a time takes a new lease for a key; the others meanwhile take single permits, so a burst on an
    /// empty lease takes one lease, not one each. End with <see cref="EndRefill"/>.
    /// </summary>
    public bool TryBeginRefill(string key) => _refilling.TryAdd(key, 0);

    public void EndRefill(string key) => _refilling.TryRemove(key, out _);

    /// <summary>Holds <paramref name="permits"/> of <paramref name="key"/> for <paramref name="lifetime"/>.</summary>
    public void Hold(string key, int permits, TimeSpan lifetime)
    {
        if (permits <= 0 || lifetime <= TimeSpan.Zero)
        {
            return;
        }
        if (_leases.Count >= Capacity)
        {
            Sweep();
        }
        var ends = time.GetTimestamp() + (long)(lifetime.TotalSeconds * time.TimestampFrequency);
        _leases[key] = new Lease(permits, ends);
    }

    public int Count => _leases.Count;

    private void Sweep()
    {
        var now = time.GetTimestamp();
        foreach (var (key, lease) in _leases)
        {
            if (now >= lease.Ends || Volatile.Read(ref lease.Remaining) <= 0)
            {
                _leases.TryRemove(KeyValuePair.Create(key, lease));
            }
        }
    }

    private sealed class Lease(int permits, long ends)
    {
        public int Remaining = permits;
        public readonly long Ends = ends;
    }
}
