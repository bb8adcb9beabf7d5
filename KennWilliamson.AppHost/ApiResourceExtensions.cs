using System.Globalization;
using KennWilliamson.Hosting.Postgres;
using Microsoft.Extensions.Configuration;

namespace KennWilliamson.AppHost;

internal static class ApiResourceExtensions
{
    /// <summary>Each key the AppHost was given, handed on; a list (Key:0, Key:1, …) as one comma-separated value.</summary>
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

    /// <summary>Local mode: the API watches the free space of the data directory's filesystem.</summary>
    public static IResourceBuilder<ProjectResource> WithDataDirectoryOf(this IResourceBuilder<ProjectResource> api, PostgresDatabase postgres) =>
        postgres.DataDirectory is { } dataDirectory ? api.WithEnvironment("Monitoring__DataDirectory", dataDirectory) : api;

    /// <summary>
    /// Run mode: the API listens on <c>Api:HttpPort</c> (else 8080) itself, without Aspire's development proxy, which costs
    /// throughput (docs/benchmarks-reference.md). Published, a deployment's ingress decides.
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

    public static int? ConfiguredHttpPort(IConfiguration configuration) => configuration["Api:HttpPort"] switch
    {
        null or "" => null,
        var value when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 => port,
        var value => throw new SetupException($"Api:HttpPort is '{value}': give the API's port as a number from 1 to 65535 (or leave it unset for 8080)."),
    };
}
