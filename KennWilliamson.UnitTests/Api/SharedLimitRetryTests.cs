using KennWilliamson.Api.Infrastructure;

namespace KennWilliamson.UnitTests.Api;

/// <summary>How long a refused take of a shared budget waits: until the oldest segment holding permits leaves the window.</summary>
[Trait("Category", "Unit")]
public sealed class SharedLimitRetryTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1); // six segments of 10 s
    private static readonly DateTimeOffset Newest = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(new[] { 3, 0, 0, 0, 0, 7 }, 2, 8)]   // the oldest segment started 50 s before the newest: it leaves at +10 s
    [InlineData(new[] { 0, 0, 0, 0, 0, 10 }, 2, 58)] // all in the newest: a whole window after its start
    [InlineData(new[] { 0, 4, 0, 6, 0, 0 }, 0, 20)]
    public void A_refusal_waits_for_the_oldest_segment_with_permits(int[] counts, int secondsIntoNewest, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), SharedLimits.RetryAfter(Newest, counts, Newest.AddSeconds(secondsIntoNewest), Window));

    [Fact]
    public void Never_less_than_a_second_nor_for_an_empty_window()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), SharedLimits.RetryAfter(Newest, [5, 0, 0, 0, 0, 0], Newest.AddSeconds(9.9), Window));
        Assert.Equal(TimeSpan.FromSeconds(1), SharedLimits.RetryAfter(Newest, [0, 0, 0, 0, 0, 0], Newest, Window));
    }
}
