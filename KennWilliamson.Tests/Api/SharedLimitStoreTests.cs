using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace KennWilliamson.Tests.Api;

/// <summary>The shared sliding window (<see cref="LimitScript"/>) on a real Redis: what it grants, refuses, gives back and forgets.</summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class SharedLimitStoreTests : IAsyncLifetime
{
    private TestRedisServer _redis = null!;
    private ServiceProvider _services = null!;
    private SharedLimits _limits = null!;

    private sealed record Limit(int PermitLimit, TimeSpan Window) : IWindowLimit;

    public async Task InitializeAsync()
    {
        _redis = await TestRedisServer.StartAsync();
        _services = new ServiceCollection()
            .AddSingleton<IConnectionMultiplexer>(await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString))
            .BuildServiceProvider();
        _limits = new SharedLimits(_services, Options.Create(new SharedLimitOptions()));
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private static string NewKey() => SharedLimits.Key("test", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Concurrent_takes_from_several_clients_get_exactly_the_limit()
    {
        var limit = new Limit(10, TimeSpan.FromMinutes(1));
        var key = NewKey();
        // Two more connections, as two more replicas.
        await using var second = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        await using var third = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        var replicas = new[] { _limits, Replica(second), Replica(third) };

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(() => replicas[i % 3].TakeAsync(key, limit, 1, CancellationToken.None))));

        Assert.Equal(10, results.Count(r => r is null));
        Assert.All(results.Where(r => r is not null), wait => Assert.InRange(wait!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_permit_given_back_can_be_taken_again_and_a_reset_frees_the_budget()
    {
        var limit = new Limit(2, TimeSpan.FromMinutes(15));
        var key = NewKey();
        Assert.Null(await _limits.TakeAsync(key, limit, 1, CancellationToken.None));
        Assert.Null(await _limits.TakeAsync(key, limit, 1, CancellationToken.None));
        Assert.NotNull(await _limits.TakeAsync(key, limit, 1, CancellationToken.None));

        Assert.Null(await _limits.TakeAsync(key, limit, -1, CancellationToken.None));
        Assert.Null(await _limits.TakeAsync(key, limit, 1, CancellationToken.None));
        Assert.NotNull(await _limits.TakeAsync(key, limit, 1, CancellationToken.None));

        await _limits.ResetAsync(key, CancellationToken.None);
        Assert.Null(await _limits.TakeAsync(key, limit, 1, CancellationToken.None));
    }

    [Fact]
    public async Task Permits_leave_the_window_segment_by_segment_and_the_key_expires_with_it()
    {
        var limit = new Limit(3, TimeSpan.FromSeconds(3)); // six segments of 500 ms
        var key = NewKey();
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await _limits.TakeAsync(key, limit, 1, CancellationToken.None));
        }
        var wait = await _limits.TakeAsync(key, limit, 1, CancellationToken.None);
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
        var ttl = await _services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().KeyTimeToLiveAsync(SharedLimits.Prefix + key);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3));

        await Task.Delay(wait.Value + TimeSpan.FromMilliseconds(100));
        Assert.Null(await _limits.TakeAsync(key, limit, 1, CancellationToken.None));
    }

    /// <summary>A value the script did not write (another encoding, a stray string) is not an error: the window starts afresh.</summary>
    public static TheoryData<byte[]> StrayValues => new()
    {
        System.Text.Encoding.ASCII.GetBytes("1796462820000 0 0 0 0 0 3"),
        System.Text.Encoding.ASCII.GetBytes("not a window"),
        Array.Empty<byte>(),
        new byte[] { 0xcb }, // a float64 cut short: unpacking it fails
        new byte[] { 0xa3, (byte)'a', (byte)'b', (byte)'c', 1, 2, 3, 4, 5, 6 }, // seven values, the first a string
    };

    [Theory]
    [MemberData(nameof(StrayValues))]
    public async Task A_value_the_script_did_not_write_starts_the_window_afresh(byte[] stray)
    {
        var limit = new Limit(1, TimeSpan.FromMinutes(1));
        var key = NewKey();
        await _services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().StringSetAsync(SharedLimits.Prefix + key, stray);

        Assert.Null(await _limits.TakeAsync(key, limit, 1, CancellationToken.None));
        Assert.NotNull(await _limits.TakeAsync(key, limit, 1, CancellationToken.None));
    }

    private static SharedLimits Replica(IConnectionMultiplexer redis) =>
        new(new ServiceCollection().AddSingleton(redis).BuildServiceProvider(), Options.Create(new SharedLimitOptions()));
}
