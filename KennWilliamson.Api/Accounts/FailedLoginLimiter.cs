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
/// nothing. Fails closed when the table is full (docs/security.md); per process (docs/deploy.md). One lock: a
/// login spends a password hash (~0.1 s) for every pass through here, so contention costs nothing measurable.
/// </summary>
public sealed class FailedLoginLimiter(IOptions<FailedLoginOptions> options, TimeProvider time, ILogger<FailedLoginLimiter> logger)
{
    /// <summary>Also how long a refusal at the cap asks to wait.</summary>
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RepeatFullWarning = TimeSpan.FromHours(1);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep;
    private DateTimeOffset _nextFullWarning;

    internal int TrackedEmails
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public Attempt? TryBegin(string email, out TimeSpan retryAfter)
    {
        var now = time.GetUtcNow();
        var limits = options.Value;
        lock (_gate)
        {
            Sweep(now, limits.Window);
            // The key is already normalized by the caller (UserAccounts.EmailKeyAsync).
            if (!_entries.TryGetValue(email, out var entry))
            {
                if (_entries.Count >= limits.MaxTrackedEmails)
                {
                    WarnFull(now, limits.MaxTrackedEmails);
                    retryAfter = SweepInterval;
                    return null;
                }
                entry = new Entry();
                _entries.Add(email, entry);
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
            return new Attempt(this, email);
        }
    }

    /// <summary>Once when the table fills, then at most hourly: never once per refused request.</summary>
    private void WarnFull(DateTimeOffset now, int cap)
    {
        if (now < _nextFullWarning)
        {
            return;
        }
        _nextFullWarning = now + RepeatFullWarning;
        logger.LogWarning(
            "Failed-login tracking is full: {Cap} emails have recent failures or attempts in flight (RateLimiting:FailedLogins:MaxTrackedEmails). "
            + "Logins for emails not tracked are refused with 429 until entries expire; many emails are being tried at once.", cap);
    }

    private void End(string email, bool? succeeded)
    {
        lock (_gate)
        {
            var entry = _entries[email];
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
                _entries.Remove(email);
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

    /// <summary>Once a minute, under the lock: drops the entries whose failures all expired and that have nothing in flight.</summary>
    private void Sweep(DateTimeOffset now, TimeSpan window)
    {
        if (now < _nextSweep)
        {
            return;
        }
        _nextSweep = now + SweepInterval;
        foreach (var (email, entry) in _entries)
        {
            Expire(entry, now, window);
            if (entry.Failures.Count == 0 && entry.InFlight == 0)
            {
                _entries.Remove(email);
            }
        }
    }

    private sealed class Entry
    {
        public Queue<DateTimeOffset> Failures { get; } = new();
        public int InFlight { get; set; }
    }

    /// <summary>Disposed without an outcome it counts neither way, so a database outage cannot lock an account.</summary>
    public sealed class Attempt : IDisposable
    {
        private readonly FailedLoginLimiter _owner;
        private readonly string _email;
        private bool? _succeeded;
        private int _ended;

        internal Attempt(FailedLoginLimiter owner, string email)
        {
            _owner = owner;
            _email = email;
        }

        public void Succeeded() => _succeeded = true;

        public void Failed() => _succeeded = false;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                _owner.End(_email, _succeeded);
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
