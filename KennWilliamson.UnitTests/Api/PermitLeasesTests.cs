using CsCheck;
using KennWilliamson.Api.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace KennWilliamson.UnitTests.Api;

/// <summary>Permits a replica holds ahead of need: spent at most once each, never after their segment ends.</summary>
[Trait("Category", "Unit")]
public sealed class PermitLeasesTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));

    private sealed record Limit(int PermitLimit) : IWindowLimit
    {
        public TimeSpan Window => TimeSpan.FromMinutes(1);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 1)] // failed logins: a lease would keep permits a success must clear
    [InlineData(10, 1)] // registrations a minute per address
    [InlineData(39, 1)]
    [InlineData(40, 2)]
    [InlineData(60, 3)] // timer writes a minute per account
    [InlineData(320, 16)]
    [InlineData(100_000_000, 16)]
    public void A_lease_is_a_twentieth_of_the_limit_from_one_to_sixteen_permits(int limit, int expected) =>
        Assert.Equal(expected, new PermitLeases(_time).SizeFor(new Limit(limit)));

    [Fact]
    public void A_lease_gives_exactly_its_permits_then_none()
    {
        var leases = new PermitLeases(_time);
        leases.Hold("k", 3, TimeSpan.FromSeconds(10));

        Assert.Equal([true, true, true, false, false], Enumerable.Range(0, 5).Select(_ => leases.TrySpend("k")));
        Assert.False(leases.TrySpend("other"));
        Assert.Equal(0, leases.Count);
    }

    [Fact]
    public void A_lease_ends_with_its_segment_whatever_it_still_holds()
    {
        var leases = new PermitLeases(_time);
        leases.Hold("k", 5, TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(9.999));
        Assert.True(leases.TrySpend("k"));

        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(leases.TrySpend("k"));
        Assert.Equal(0, leases.Count);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(-1, 10)]
    [InlineData(3, 0)]
    [InlineData(3, -1)]
    public void No_permits_or_no_time_left_holds_nothing(int permits, int seconds)
    {
        var leases = new PermitLeases(_time);
        leases.Hold("k", permits, TimeSpan.FromSeconds(seconds));

        Assert.False(leases.TrySpend("k"));
        Assert.Equal(0, leases.Count);
    }

    [Fact]
    public void Threads_spending_one_lease_at_once_get_exactly_its_permits()
    {
        var leases = new PermitLeases(_time);
        leases.Hold("k", 1000, TimeSpan.FromSeconds(10));
        var granted = 0;

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 500; i++)
            {
                if (leases.TrySpend("k"))
                {
                    Interlocked.Increment(ref granted);
                }
            }
        });

        Assert.Equal(1000, granted);
    }

    [Fact]
    public void One_caller_at_a_time_refills_a_key_and_others_keys_are_free()
    {
        var leases = new PermitLeases(_time);

        Assert.True(leases.TryBeginRefill("k"));
        Assert.False(leases.TryBeginRefill("k"));
        Assert.True(leases.TryBeginRefill("other"));
        leases.EndRefill("k");
        Assert.True(leases.TryBeginRefill("k"));
    }

    [Fact]
    public void At_capacity_ended_leases_make_room_and_while_full_permits_are_taken_one_at_a_time()
    {
        var leases = new PermitLeases(_time);
        for (var i = 0; i < PermitLeases.Capacity; i++)
        {
            leases.Hold($"old-{i}", 2, TimeSpan.FromSeconds(10));
        }
        Assert.Equal(1, leases.SizeFor(new Limit(60)));

        _time.Advance(TimeSpan.FromSeconds(10));
        leases.Hold("new", 2, TimeSpan.FromSeconds(10));

        Assert.Equal(1, leases.Count);
        Assert.Equal(3, leases.SizeFor(new Limit(60)));
        Assert.True(leases.TrySpend("new"));
    }

    /// <summary>Against a model: any mix of holds, spends and time passing grants exactly what the model's leases hold.</summary>
    [Fact]
    public void Every_spend_agrees_with_a_model_of_the_leases()
    {
        var op = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[-1, 4], Gen.Int[0, 12]);
        op.Array[1, 60].Sample(ops =>
        {
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
            var leases = new PermitLeases(time);
            var model = new Dictionary<string, (int Left, DateTimeOffset Ends)>();
            foreach (var (kind, k, permits, seconds) in ops)
            {
                var key = $"k{k}";
                switch (kind)
                {
                    case 0:
                        leases.Hold(key, permits, TimeSpan.FromSeconds(seconds));
                        if (permits > 0 && seconds > 0)
                        {
                            model[key] = (permits, time.GetUtcNow().AddSeconds(seconds));
                        }
                        break;
                    case 1:
                        var expected = model.TryGetValue(key, out var lease) && lease.Left > 0 && time.GetUtcNow() < lease.Ends;
                        if (expected)
                        {
                            model[key] = lease with { Left = lease.Left - 1 };
                        }
                        if (leases.TrySpend(key) != expected)
                        {
                            return false;
                        }
                        break;
                    default:
                        time.Advance(TimeSpan.FromSeconds(seconds));
                        break;
                }
            }
            return true;
        });
    }
}
