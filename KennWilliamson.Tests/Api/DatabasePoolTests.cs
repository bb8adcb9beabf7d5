using System.Net;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Api;

[Trait(Layer.Trait, Layer.Api)]
public sealed class DatabasePoolTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_api_holds_at_most_ten_and_at_least_two_connections()
    {
        var account = await fixture.Api.RegisterAsync();
        await using var observer = await Connections.OpenAsync(fixture.OwnerConnectionString);
        async Task<long> AppConnectionsAsync()
        {
            await using var count = new Npgsql.NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = 'kennwilliamson_app' AND datname = current_database()", observer);
            return (long)(await count.ExecuteScalarAsync())!;
        }

        var peak = 0L;
        using var load = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        // Half the callers on the list (plain Npgsql on the data source), half on /me (EF Core): one pool serves
        // both, so together they still hold at most ten (two pools would reach twenty).
        var requests = Task.WhenAll(Enumerable.Range(0, 40).Select(async caller =>
        {
            for (var i = 0; i < 10; i++)
            {
                using var response = await fixture.Api.SendAsync(HttpMethod.Get, caller % 2 == 0 ? "/api/incident-timers" : "/api/auth/me", token: account.Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }));
        while (!requests.IsCompleted)
        {
            peak = Math.Max(peak, await AppConnectionsAsync());
            await Task.Delay(20, load.Token);
        }
        await requests.WaitAsync(load.Token);

        Assert.InRange(peak, 2, 10);
        Assert.True(await AppConnectionsAsync() >= 2, "the pool keeps its minimum of two connections open");
    }
}
