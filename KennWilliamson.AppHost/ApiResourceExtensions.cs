using System.Globalization;
using KennWilliamson.Hosting.Postgres;
using Microsoft.Extensions.Configuration;

namespace KennWilliamson.AppHost;

internal static class ApiResourceExtensions
{
    /// <summary>
    /// Plain HTTP: otherwise Aspire sets a project up for the development certificate, and with none trusted it warns
    /// in red on the dashboard although nothing here serves HTTPS (the https profile's dashboard still uses one).
    /// </summary>
#pragma warning disable ASPIRECERTIFICATES001 // Aspire's own switch for this, marked for evaluation
    public static IResourceBuilder<ProjectResource> WithPlainHttp(this IResourceBuilder<ProjectResource> project) => project.WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001

    /// <summary>Local mode: the API watches the free space of the data directory's filesystem.</summary>
    public static IResourceBuilder<ProjectResource> WithDataDirectoryOf(this IResourceBuilder<ProjectResource> api, PostgresDatabase postgres) =>
        postgres.DataDirectory is { } dataDirectory ? api.WithEnvironment("Monitoring__DataDirectory", dataDirectory) : api;

    /// <summary>
    /// Run mode: one API listens on <c>Api:HttpPort</c> (else 8080) itself, without Aspire's development proxy, which
    /// costs throughput (docs/benchmarks-reference.md); several replicas need the proxy on that port, each on a port
    /// of its own behind it. Published, a deployment's ingress decides.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithHttpPort(this IResourceBuilder<ProjectResource> api, int? port, int replicas)
    {
        if (!api.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return api;
        }
        return api.WithEndpoint("http", e =>
        {
            e.IsProxied = replicas > 1;
            e.Port = port ?? e.Port;
        });
    }

    public const int MaxReplicas = 16;

    /// <summary>N API processes (<c>Api:Replicas</c>), shown as a parameter and carried by the published manifest.</summary>
    public static IResourceBuilder<ProjectResource> WithReplicaCount(this IResourceBuilder<ProjectResource> api, int replicas)
    {
        var count = api.ApplicationBuilder.AddParameter("api-replicas", replicas.ToString(CultureInfo.InvariantCulture), publishValueAsDefault: true)
            .WithDescription($"How many API processes run (Api:Replicas, 1 to {MaxReplicas}); more than one share the limits in Redis.");
        return api.WithReplicas(replicas).WithEnvironment("Api__Replicas", count);
    }

    public static int ConfiguredReplicas(IConfiguration configuration) => configuration["Api:Replicas"] switch
    {
        null or "" => 1,
        var value when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxReplicas => n,
        var value => throw new SetupException($"Api:Replicas is '{value}': give the number of API processes as a number from 1 to {MaxReplicas} (or leave it unset for 1)."),
    };

    public static int? ConfiguredHttpPort(IConfiguration configuration) => configuration["Api:HttpPort"] switch
    {
        null or "" => null,
        var value when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 => port,
        var value => throw new SetupException($"Api:HttpPort is '{value}': give the API's port as a number from 1 to 65535 (or leave it unset for 8080)."),
    };
}
