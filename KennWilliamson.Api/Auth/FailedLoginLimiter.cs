using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace KennWilliamson.Api.Auth;

/// <summary>Failed logins allowed per email within a window, whatever address they come from.</summary>
public sealed class FailedLoginOptions
{
    public const string Section = "RateLimiting:FailedLogins";

    public int PermitLimit { get; set; } = 5;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Counts failed logins per email (the caller passes it as the unique index compares it), so rotating client
/// addresses does not buy more guesses at one account. Unknown emails are counted exactly like known ones,
/// so a refusal says nothing about whether the account exists. An attempt in flight counts as a failure
/// until it ends: concurrent guesses cannot all slip in before the first one is recorded. A success clears
/// the count. Kept in this process (N replicas allow N times the limit; see docs/deploy.md).
/// </summary>
public sealed class FailedLoginLimiter(IOptions<FailedLoginOptions> options, TimeProvider time)
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _nextSweepTicks;

    /// <summary>Starts an attempt; null (and how long to wait) when the email has used its failures.</summary>
    public Attempt? TryBegin(string email, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow();
        Sweep(now);
        var key = email; // already normalized by the caller (UserAccounts.EmailKeyAsync)
        while (true)
        {
            var entry = _entries.GetOrAdd(key, _ => new Entry());
            lock (entry)
            {
                if (entry.Removed)
                {
                    continue; // swept a moment ago: take the fresh one
                }
                Expire(entry, now);
                if (entry.Failures.Count + entry.InFlight >= options.Value.PermitLimit)
                {
                    // Full only because attempts are still in flight: those end within a second or so.
                    retryAfter = entry.Failures.Count >= options.Value.PermitLimit
                        ? entry.Failures.Peek() + options.Value.Window - now
                        : TimeSpan.FromSeconds(1);
                    return null;
                }
                entry.InFlight++;
                retryAfter = TimeSpan.Zero;
                return new Attempt(this, entry);
            }
        }
    }

    private void End(Entry entry, bool? succeeded)
    {
        lock (entry)
        {
            entry.InFlight--;
            if (succeeded == true)
            {
                entry.Failures.Clear();
            }
            else if (succeeded == false)
            {
                entry.Failures.Enqueue(time.GetUtcNow());
            }
        }
    }

    private void Expire(Entry entry, DateTimeOffset now)
    {
        while (entry.Failures.Count > 0 && entry.Failures.Peek() + options.Value.Window <= now)
        {
            entry.Failures.Dequeue();
        }
    }

    /// <summary>Drops idle entries once a minute, so memory follows the emails tried within one window.</summary>
    private void Sweep(DateTimeOffset now)
    {
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextSweepTicks, now.UtcTicks + SweepInterval.Ticks, next) != next)
        {
            return;
        }
        foreach (var (key, entry) in _entries)
        {
            lock (entry)
            {
                Expire(entry, now);
                if (entry.Failures.Count == 0 && entry.InFlight == 0)
                {
                    entry.Removed = true;
                    _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                }
            }
        }
    }

    private sealed class Entry
    {
        public Queue<DateTimeOffset> Failures { get; } = new();
        public int InFlight { get; set; }
        public bool Removed { get; set; }
    }

    /// <summary>
    /// One login attempt: say how it ended, then dispose. Disposed without a word (an exception, a cancelled
    /// request) it counts neither way, so a database outage cannot lock an account.
    /// </summary>
    public sealed class Attempt : IDisposable
    {
        private readonly FailedLoginLimiter _owner;
        private readonly Entry _entry;
        private bool? _succeeded;
        private int _ended;

        internal Attempt(FailedLoginLimiter owner, object entry)
        {
            _owner = owner;
            _entry = (Entry)entry;
        }

        public void Succeeded() => _succeeded = true;

        public void Failed() => _succeeded = false;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                _owner.End(_entry, _succeeded);
            }
        }
    }
}
