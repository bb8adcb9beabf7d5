using System.Globalization;
using KennWilliamson.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace KennWilliamson.Tests.Scale;

/// <summary>
/// Three API processes on one database and one Redis, as three replicas behind a load balancer, with the default limits. Shared
/// (the default) they keep every budget for the application as a whole; each with only its own in-memory limiter
/// (<c>RateLimiting:Shared=false</c>) the same scenario gets through about three times each budget, which shows the
/// scenario can tell the difference.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(30)]
public sealed class ReplicaLimitTests : IAsyncLifetime
{
    private TestDatabaseServer _database = null!;
    private TestRedisServer _limits = null!;
    private readonly string _signingKey = AppHostFactory.Secret() + AppHostFactory.Secret();

    public async Task InitializeAsync()
    {
        _database = await TestDatabaseServer.StartAsync();
        _limits = await TestRedisServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _limits.DisposeAsync();
    }

    [Fact]
    public async Task Three_replicas_sharing_the_database_keep_every_limit_for_the_application()
    {
        var scenario = await RunOnThreeReplicasAsync(shared: true);

        scenario.AssertLimitsHeld();
    }

    [Fact]
    public async Task Three_replicas_each_counting_alone_give_each_budget_out_more_than_once()
    {
        var scenario = await RunOnThreeReplicasAsync(shared: false);

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(scenario.AssertLimitsHeld);
        Assert.True(scenario.Registered > 10, $"{scenario.Registered} registrations");
        Assert.True(scenario.TimersCreated > 60, $"{scenario.TimersCreated} timers");
        Assert.True(scenario.FailedLogins.Count(s => s == System.Net.HttpStatusCode.Unauthorized) > 5, string.Join(", ", scenario.FailedLogins));
    }

    /// <summary>Of three replicas one samples the database's storage; when it stops, another takes over.</summary>
    [Fact]
    public async Task One_replica_samples_storage_for_the_application_and_another_takes_over()
    {
        var settings = Settings(shared: true);
        settings["Monitoring:StorageIntervalSeconds"] = "1";
        var factories = Enumerable.Range(0, 3).Select(_ => new ApiFactory(settings)).ToList();
        try
        {
            factories.ForEach(f => f.StartServer());
            var sampler = await SamplingAsync(factories, except: null);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal([sampler], factories.Where(f => Monitor(f).Latest is not null));

            await sampler.DisposeAsync();
            var rest = factories.Where(f => f != sampler).ToList();
            await SamplingAsync(rest, except: sampler);
            Assert.Single(rest, f => Monitor(f).Latest is not null);
        }
        finally
        {
            foreach (var factory in factories)
            {
                await factory.DisposeAsync();
            }
        }
    }

    private static KennWilliamson.Api.Health.StorageMonitor Monitor(ApiFactory factory) =>
        factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<KennWilliamson.Api.Health.StorageMonitor>().Single();

    /// <summary>The one replica with a sample, waited for.</summary>
    private static async Task<ApiFactory> SamplingAsync(IReadOnlyList<ApiFactory> factories, ApiFactory? except)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var sampling = factories.Where(f => f != except && Monitor(f).Latest is not null).ToList();
            if (sampling.Count > 0)
            {
                return Assert.Single(sampling);
            }
            Assert.True(DateTime.UtcNow < deadline, "no replica sampled storage within 30 s");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private Dictionary<string, string?> Settings(bool shared) => new()
    {
        ["ConnectionStrings:kennwilliamson"] = _database.AppConnectionString,
        ["ConnectionStrings:limits"] = _limits.ConnectionString,
        ["Jwt:SigningKey"] = _signingKey,
        ["ForwardedHeaders:KnownProxies"] = AppHostFactory.TrustedTestProxies,
        ["RateLimiting:Shared"] = shared.ToString(CultureInfo.InvariantCulture),
    };

    private async Task<ReplicaScenario> RunOnThreeReplicasAsync(bool shared)
    {
        var settings = Settings(shared);
        var factories = Enumerable.Range(0, 3).Select(_ => new ApiFactory(settings)).ToList();
        try
        {
            foreach (var factory in factories)
            {
                factory.StartServer();
            }
            var clients = factories.Select(f => f.CreatePlainClient()).ToList();
            try
            {
                return await ReplicaScenario.RunAsync(clients);
            }
            finally
            {
                clients.ForEach(c => c.Dispose());
            }
        }
        finally
        {
            foreach (var factory in factories)
            {
                await factory.DisposeAsync();
            }
        }
    }
}
