using System.Globalization;
using KennWilliamson.Hosting.Postgres;
using Microsoft.Extensions.Configuration;

namespace KennWilliamson.AppHost;

/// <summary>The API resource's settings that come from the AppHost's own configuration and model.</summary>
internal static class ApiResourceExtensions
{
    /// <summary>
    /// Each of <paramref name="keys"/> the AppHost was given (command line, user secrets, environment) is
    /// handed to the resource; unset, the resource's own default applies. A list (Key:0, Key:1, …) travels
    /// as one comma-separated value, which the API reads as well.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSettingsFrom(this IResourceBuilder<ProjectResource> api, IConfiguration configuration, params string[] keys)
    {
        foreach (var key in keys)
        {
            var value = configuration[key]
                ?? string.Join(',', configuration.GetSection(key).GetChildren().Select(c => c.Value).Where(v => !string.IsNullOrEmpty(v)));
            if (value.Length > 0)
            {
                api.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }
        return api;
    }

    /// <summary>Local mode: the API reports the free space of the data directory's filesystem (gauges, a low-space warning).</summary>
    public static IResourceBuilder<ProjectResource> WithDataDirectoryOf(this IResourceBuilder<ProjectResource> api, PostgresDatabase postgres) =>
        postgres.DataDirectory is { } dataDirectory ? api.WithEnvironment("Monitoring__DataDirectory", dataDirectory) : api;

    /// <summary>
    /// Run mode: the API listens on <c>Api:HttpPort</c> (else the launch profile's 8080) itself. Behind the
    /// development proxy Aspire puts in front of an endpoint by default, the public read lost about 30 % of its
    /// throughput (docs/benchmarks-reference.md); a local application has no use for the proxy's port juggling.
    /// Publish mode keeps the endpoint as modelled: a deployment's ingress decides.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDirectHttpPort(this IResourceBuilder<ProjectResource> api, int? port)
    {
        if (!api.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return api;
        }
        return api.WithEndpoint("http", e =>
        {
            e.IsProxied = false;
            e.Port = port ?? e.Port;
        });
    }

    /// <summary><c>Api:HttpPort</c> when it is given: a port number from 1 to 65535, else a setup error that says so.</summary>
    public static int? ConfiguredHttpPort(IConfiguration configuration) => configuration["Api:HttpPort"] switch
    {
        null or "" => null,
        var value when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 => port,
        var value => throw new SetupException($"Api:HttpPort is '{value}': give the API's port as a number from 1 to 65535 (or leave it unset for 8080)."),
    };
}
