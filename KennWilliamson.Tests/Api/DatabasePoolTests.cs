using System.Net;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Api;

[Collection(SharedApp.Name)]
public sealed class DatabasePoolTests(AppFixture fixture)
{
    [Fact]
    public async Task TheApiHoldsAtMostTenAndAtLeastTwoConnections()
    {
        var account = await fixture.Api.RegisterAsync();
        await using var observer = await AppFixture.OpenAsync(fixture.OwnerConnectionString);
        async Task<long> AppConnectionsAsync()
        {
            await using var count = new Npgsql.NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = 'kennwilliamson_app' AND datname = current_database()", observer);
            return (long)(await count.ExecuteScalarAsync())!;
        }

        var peak = 0L;
        using var load = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var requests = Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
        {
            for (var i = 0; i < 10; i++)
            {
                using var response = await fixture.Api.SendAsync(HttpMethod.Get, "/api/incident-timers", token: account.Token);
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
