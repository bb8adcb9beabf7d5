using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// Trusts X-Forwarded-For only from configured proxies, so a caller cannot pick its own rate-limit partition
/// (docs/deploy.md).
/// </summary>
public static class ForwardedHeaderSettings
{
    public const string Section = "ForwardedHeaders";

    public static IServiceCollection AddTrustedForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = Values(configuration, "KnownProxies").Select(Parse<IPAddress>).ToList();
        var networks = Values(configuration, "KnownNetworks").Select(Parse<System.Net.IPNetwork>).ToList();
        return services.Configure<ForwardedHeadersOptions>(o =>
        {
            // With both lists empty the middleware would believe every peer, so no configured proxy means no header is read.
            o.ForwardedHeaders = proxies.Count + networks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback out of the box; here only what is configured counts.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            proxies.ForEach(o.KnownProxies.Add);
            networks.ForEach(o.KnownIPNetworks.Add);
            // Take the address the proxy appended, never one a client wrote before it.
            o.ForwardLimit = 1;
        });
    }

    private static IEnumerable<string> Values(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection($"{Section}:{key}");
        var items = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? "");
        return items.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static T Parse<T>(string value) where T : ISpanParsable<T> =>
        T.TryParse(value, null, out var parsed)
            ? parsed
            : throw new InvalidOperationException($"{Section}: '{value}' is not a valid {typeof(T).Name}; use an IP address or a CIDR range.");
}
