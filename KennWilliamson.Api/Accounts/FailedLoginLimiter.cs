using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using KennWilliamson.Api.Infrastructure;
using Microsoft.Extensions.Options;

namespace KennWilliamson.Api.Accounts;

public sealed class FailedLoginOptions : IValidatableObject, IWindowLimit
{
    public const string Section = "RateLimiting:FailedLogins";

    public int PermitLimit { get; set; } = 5;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Caps the table so a flood of made-up emails cannot grow it without end.</summary>
    public int MaxTrackedEmails { get; set; } = 100_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var problem in LimitSettings.Check(Section, PermitLimit, Window))
        {
            yield return problem;
        }
        if (MaxTrackedEmails < 1)
        {
            yield return new ValidationResult($"{Section}:MaxTrackedEmails must be at least 1 (it is {MaxTrackedEmails}).", [nameof(MaxTrackedEmails)]);
        }
    }
}

/// <summary>
/// Counts failed logins per email, known or not, so rotating addresses buys no guesses and a refusal reveals
/// nothing. Fails closed when the table is full (docs/security.md); per process (docs/deploy.md).
/// </summary>
public sealed class FailedLoginLimiter(IOptions<FailedLoginOptions> options, TimeProvider time, ILogger<FailedLoginLimiter> logger)
{
    /// <summary>Also how long a refusal at the cap asks to wait.</summary>
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RepeatFullWarning = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    // A slot is reserved before an entry is added, so this never passes the cap.
    private int _tracked;
    private long _nextSweepTicks;
    private long _nextFullWarningTicks;

    internal int TrackedEmails => Volatile.Read(ref _tracked);

    public Attempt? TryBegin(string email, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow();
        Sweep(now);
        var limits = options.Value;
        var key = email; // already normalized by the caller (UserAccounts.EmailKeyAsync)
        while (true)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                if (!TryReserveSlot(limits.MaxTrackedEmails))
                {
                    WarnFull(now, limits.MaxTrackedEmails);
                    retryAfter = SweepInterval;
                    return null;
                }
                entry = new Entry(key);
                if (!_entries.TryAdd(key, entry))
                {
                    Interlocked.Decrement(ref _tracked); // added by another request a moment ago: take that one
                    continue;
                }
            }
            lock (entry)
            {
                if (entry.Removed)
                {
                    continue; // dropped a moment ago: take a fresh one
                }
                Expire(entry, now, limits.Window);
                if (entry.Failures.Count + entry.InFlight >= limits.PermitLimit)
                {
                    // Full only because attempts are still in flight: those end within a second or so.
                    retryAfter = entry.Failures.Count >= limits.PermitLimit
                        ? entry.Failures.Peek() + limits.Window - now
                        : TimeSpan.FromSeconds(1);
                    return null;
                }
                entry.InFlight++;
                retryAfter = TimeSpan.Zero;
                return new Attempt(this, entry);
            }
        }
    }

    private bool TryReserveSlot(int cap)
    {
        var tracked = Volatile.Read(ref _tracked);
        while (tracked < cap)
        {
            var seen = Interlocked.CompareExchange(ref _tracked, tracked + 1, tracked);
            if (seen == tracked)
            {
                return true;
            }
            tracked = seen;
        }
        return false;
    }

    /// <summary>Once when the table fills, then at most hourly: never once per refused request.</summary>
    private void WarnFull(DateTimeOffset now, int cap)
    {
        var next = Interlocked.Read(ref _nextFullWarningTicks);
        if (now.UtcTicks >= next && Interlocked.CompareExchange(ref _nextFullWarningTicks, now.UtcTicks + RepeatFullWarning.Ticks, next) == next)
        {
            logger.LogWarning(
                "Failed-login tracking is full: {Cap} emails have recent failures or attempts in flight (RateLimiting:FailedLogins:MaxTrackedEmails). "
                + "Logins for emails not tracked are refused with 429 until entries expire; many emails are being tried at once.", cap);
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
            if (entry.InFlight == 0 && entry.Failures.Count == 0)
            {
                Remove(entry);
            }
        }
    }

    private static void Expire(Entry entry, DateTimeOffset now, TimeSpan window)
    {
        while (entry.Failures.Count > 0 && entry.Failures.Peek() + window <= now)
        {
            entry.Failures.Dequeue();
        }
    }

    /// <summary>Called with the entry locked.</summary>
    private void Remove(Entry entry)
    {
        entry.Removed = true;
        if (_entries.TryRemove(new KeyValuePair<string, Entry>(entry.Email, entry)))
        {
            Interlocked.Decrement(ref _tracked);
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        var next = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < next || Interlocked.CompareExchange(ref _nextSweepTicks, now.UtcTicks + SweepInterval.Ticks, next) != next)
        {
            return;
        }
        var window = options.Value.Window;
        foreach (var (_, entry) in _entries)
        {
            lock (entry)
            {
                Expire(entry, now, window);
                if (entry.Failures.Count == 0 && entry.InFlight == 0 && !entry.Removed)
                {
                    Remove(entry);
                }
            }
        }
    }

    private sealed class Entry(string email)
    {
        public string Email { get; } = email;
        public Queue<DateTimeOffset> Failures { get; } = new();
        public int InFlight { get; set; }
        public bool Removed { get; set; }
    }

    /// <summary>Disposed without an outcome it counts neither way, so a database outage cannot lock an account.</summary>
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

public static class FailedLoginLimits
{
    public static IServiceCollection AddFailedLoginLimits(this IServiceCollection services)
    {
        services.AddValidatedOptions<FailedLoginOptions>(FailedLoginOptions.Section);
        return services.AddSingleton<FailedLoginLimiter>();
    }
}
