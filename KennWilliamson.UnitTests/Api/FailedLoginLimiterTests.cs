using KennWilliamson.Api.Accounts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KennWilliamson.UnitTests.Api;

/// <summary>The per-email failed-login table: its cap (RateLimiting:FailedLogins:MaxTrackedEmails), on a clock the test moves.</summary>
[Trait("Category", "Unit")]
public sealed class FailedLoginLimiterTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private readonly Warnings _log = new();

    private FailedLoginLimiter Limiter(int cap, int permitLimit = 5) =>
        new(Options.Create(new FailedLoginOptions { PermitLimit = permitLimit, Window = Window, MaxTrackedEmails = cap }), _time, _log);

    private static void Fail(FailedLoginLimiter limiter, string email)
    {
        using var attempt = limiter.TryBegin(email, out _) ?? throw new InvalidOperationException($"{email} was refused");
        attempt.Failed();
    }

    [Fact]
    public void At_the_cap_an_email_not_tracked_is_refused_and_tracked_ones_are_counted_as_before()
    {
        var limiter = Limiter(cap: 3, permitLimit: 2);
        Fail(limiter, "a@example.com");
        Fail(limiter, "b@example.com");
        Fail(limiter, "c@example.com");

        Assert.Null(limiter.TryBegin("d@example.com", out var wait));
        Assert.Equal(FailedLoginLimiter.SweepInterval, wait);
        Assert.Equal(3, limiter.TrackedEmails);

        // a@ is tracked: its second failure is allowed, its third refused by the per-email limit.
        Fail(limiter, "a@example.com");
        Assert.Null(limiter.TryBegin("a@example.com", out var locked));
        Assert.Equal(Window, locked);
        Assert.Equal(3, limiter.TrackedEmails);
    }

    [Fact]
    public void Expired_failures_free_room_at_the_next_sweep()
    {
        var limiter = Limiter(cap: 2);
        Fail(limiter, "a@example.com");
        _time.Advance(TimeSpan.FromMinutes(5));
        Fail(limiter, "b@example.com");
        Assert.Null(limiter.TryBegin("c@example.com", out _));

        // a@'s failure is 15 minutes old, b@'s 10: one slot comes free, not two.
        _time.Advance(TimeSpan.FromMinutes(10));
        Fail(limiter, "c@example.com");
        Assert.Null(limiter.TryBegin("d@example.com", out _));
        Assert.Equal(2, limiter.TrackedEmails);

        _time.Advance(Window);
        Fail(limiter, "d@example.com");
        Assert.Equal(1, limiter.TrackedEmails);
    }

    [Fact]
    public void Room_comes_free_at_the_sweep_a_minute_after_the_last_not_at_each_request()
    {
        var limiter = Limiter(cap: 1);
        Fail(limiter, "a@example.com"); // this request swept: the next sweep is a minute later
        _time.Advance(Window - TimeSpan.FromSeconds(30));
        Assert.Null(limiter.TryBegin("b@example.com", out _)); // swept at 14:30, a@ still in its window

        _time.Advance(TimeSpan.FromSeconds(45)); // a@'s failure left the window at 15:00; no sweep before 15:30
        Assert.Null(limiter.TryBegin("b@example.com", out var wait));
        Assert.Equal(FailedLoginLimiter.SweepInterval, wait);

        _time.Advance(TimeSpan.FromSeconds(15));
        using var attempt = limiter.TryBegin("b@example.com", out _);
        Assert.NotNull(attempt);
    }

    [Fact]
    public void A_failure_that_left_the_window_since_the_last_sweep_no_longer_counts_for_its_email()
    {
        var limiter = Limiter(cap: 10, permitLimit: 2);
        Fail(limiter, "a@example.com");
        Fail(limiter, "a@example.com");
        _time.Advance(Window - TimeSpan.FromSeconds(30));
        Assert.Null(limiter.TryBegin("a@example.com", out var wait)); // swept here; the next sweep at 15:30
        Assert.Equal(TimeSpan.FromSeconds(30), wait);

        _time.Advance(TimeSpan.FromSeconds(31));

        using var attempt = limiter.TryBegin("a@example.com", out _);
        Assert.NotNull(attempt);
    }

    [Fact]
    public void A_success_or_an_attempt_that_ends_without_a_word_frees_its_slot_at_once()
    {
        var limiter = Limiter(cap: 1);
        using (var attempt = limiter.TryBegin("a@example.com", out _))
        {
            Assert.NotNull(attempt);
            Assert.Null(limiter.TryBegin("b@example.com", out _)); // in flight: a@ holds the one slot
            attempt.Succeeded();
        }
        using (limiter.TryBegin("b@example.com", out _) ?? throw new InvalidOperationException("b@ refused after a@ succeeded"))
        {
            // An exception or a cancelled request: counted neither way.
        }
        Assert.Equal(0, limiter.TrackedEmails);
    }

    [Fact]
    public async Task The_cap_holds_under_concurrency()
    {
        const int cap = 100;
        var limiter = Limiter(cap);
        var admitted = new System.Collections.Concurrent.ConcurrentBag<FailedLoginLimiter.Attempt>();

        // 8 threads, 2,000 emails each (some shared between threads), every attempt left in flight.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(thread => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                if (limiter.TryBegin($"user{(i % 7 == 0 ? i : (thread * 2_000) + i)}@example.com", out _) is { } attempt)
                {
                    admitted.Add(attempt);
                }
                Assert.InRange(limiter.TrackedEmails, 0, cap);
            }
        })));
        Assert.Equal(cap, limiter.TrackedEmails);

        foreach (var attempt in admitted)
        {
            attempt.Failed();
            attempt.Dispose();
        }
        Assert.Equal(cap, limiter.TrackedEmails);
        Assert.Null(limiter.TryBegin("late@example.com", out _));
    }

    [Fact]
    public async Task Churn_leaks_no_slots()
    {
        const int cap = 50;
        var limiter = Limiter(cap, permitLimit: 3);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(thread => Task.Run(() =>
        {
            var random = new Random(thread);
            for (var i = 0; i < 20_000; i++)
            {
                using var attempt = limiter.TryBegin($"user{random.Next(200)}@example.com", out _);
                switch (random.Next(3))
                {
                    case 0: attempt?.Failed(); break;
                    case 1: attempt?.Succeeded(); break;
                    default: break;
                }
                Assert.InRange(limiter.TrackedEmails, 0, cap);
            }
        })));

        // Every failure expires; the next attempt's sweep drops them all, and its own slot goes when it ends.
        _time.Advance(Window + FailedLoginLimiter.SweepInterval);
        using (limiter.TryBegin("sweeper@example.com", out _))
        {
            Assert.Equal(1, limiter.TrackedEmails);
        }
        Assert.Equal(0, limiter.TrackedEmails);
    }

    [Fact]
    public void A_success_forgets_the_failures_before_it()
    {
        var limiter = Limiter(cap: 10, permitLimit: 3);
        Fail(limiter, "kenn@example.com");
        Fail(limiter, "kenn@example.com");
        using (var attempt = limiter.TryBegin("kenn@example.com", out _))
        {
            Assert.NotNull(attempt);
            attempt.Succeeded();
        }

        Fail(limiter, "kenn@example.com");
        Fail(limiter, "kenn@example.com");
        Fail(limiter, "kenn@example.com");
        Assert.Null(limiter.TryBegin("kenn@example.com", out _));
    }

    [Fact]
    public void A_full_table_is_logged_once_an_hour_not_once_a_request()
    {
        var limiter = Limiter(cap: 1);
        using var held = limiter.TryBegin("held@example.com", out _); // in flight the whole time: the table stays full

        for (var i = 0; i < 100; i++)
        {
            Assert.Null(limiter.TryBegin($"other{i}@example.com", out _));
        }
        Assert.Single(_log.Messages);
        Assert.Contains("RateLimiting:FailedLogins:MaxTrackedEmails", _log.Messages[0], StringComparison.Ordinal);
        Assert.Contains("Logins for emails not tracked are refused with 429 until entries expire", _log.Messages[0], StringComparison.Ordinal);
        Assert.DoesNotContain("other", _log.Messages[0], StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Null(limiter.TryBegin("again@example.com", out _));
        Assert.Single(_log.Messages);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(limiter.TryBegin("again@example.com", out _));
        Assert.Equal(2, _log.Messages.Count);
    }

    /// <summary>The warnings the limiter logs, as they would read.</summary>
    private sealed class Warnings : ILogger<FailedLoginLimiter>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                lock (Messages)
                {
                    Messages.Add(formatter(state, exception));
                }
            }
        }
    }
}
