using System.Threading.Channels;
using KennWilliamson.Api.Accounts;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KennWilliamson.UnitTests.Api;

/// <summary>The refresh-token purge's loop (RefreshTokenPurgeService), on a clock the test moves; the purge itself is a database test.</summary>
[Trait("Category", "Unit")]
public sealed class RefreshTokenPurgeScheduleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task One_purge_at_start_then_one_per_interval_with_the_clocks_time_and_a_failure_does_not_stop_it()
    {
        var start = new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        var interval = TimeSpan.FromHours(1);
        var calls = Channel.CreateUnbounded<DateTimeOffset>();
        var failNext = true;
        Task<int> Purge(DateTimeOffset now, CancellationToken ct)
        {
            calls.Writer.TryWrite(now);
            if (failNext)
            {
                failNext = false;
                throw new Npgsql.NpgsqlException("the database is away");
            }
            return Task.FromResult(3);
        }
        using var stop = new CancellationTokenSource();

        var loop = RefreshTokenPurgeService.RunAsync(Purge, interval, time, NullLogger.Instance, stop.Token);

        Assert.Equal(start, await calls.Reader.ReadAsync().AsTask().WaitAsync(Timeout));
        time.Advance(interval - TimeSpan.FromSeconds(1));
        await Task.Delay(50);
        Assert.False(calls.Reader.TryRead(out _), "purged before the interval was up");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(start + interval, await calls.Reader.ReadAsync().AsTask().WaitAsync(Timeout));
        time.Advance(interval);
        Assert.Equal(start + (2 * interval), await calls.Reader.ReadAsync().AsTask().WaitAsync(Timeout));

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop.WaitAsync(Timeout));
    }
}
