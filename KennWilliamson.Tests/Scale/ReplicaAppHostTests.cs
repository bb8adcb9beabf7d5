using KennWilliamson.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace KennWilliamson.Tests.Scale;

/// <summary>
/// The AppHost with <c>--Api:Replicas=3</c> and the default limits: three API processes behind the development
/// proxy keep every budget for the application as a whole, whichever replica answers (ReplicaLimitTests shows the
/// same scenario getting through with a limiter per process).
/// </summary>
[Collection(AppHostSequence.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
public sealed class ReplicaAppHostTests
{
    [Fact]
    public async Task Three_replicas_behind_the_proxy_keep_the_limits_of_one_application()
    {
        await using var app = await IsolatedApp.StartAsync("replicas", "--Api:Replicas=3", "--RateLimiting:TimerWrites:PermitLimit=60");

        var replicas = app.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "api");
        Assert.Equal(3, Assert.Single(replicas.Annotations.OfType<ReplicaAnnotation>()).Replicas);

        var scenario = await ReplicaScenario.RunAsync([app.Api]);

        scenario.AssertLimitsHeld();
    }

    /// <summary>The same AppHost, each replica counting alone: the scenario sees the budgets given out more than once.</summary>
    [Fact]
    public async Task Three_replicas_each_counting_alone_let_the_scenario_through()
    {
        await using var app = await IsolatedApp.StartAsync("replicas-alone", "--Api:Replicas=3", "--RateLimiting:TimerWrites:PermitLimit=60", "--RateLimiting:Shared=false");

        var scenario = await ReplicaScenario.RunAsync([app.Api]);

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(scenario.AssertLimitsHeld);
    }
}
