using Microsoft.Extensions.Configuration;

namespace KennWilliamson.AppHost;

/// <summary>
/// The API's knobs as Aspire parameters: listed with a description in the dashboard's parameters view and in the
/// published manifest with their defaults. A value given the old way (<c>--RateLimiting:Auth:PermitLimit=20</c>)
/// becomes the parameter's value; the defaults are the API's own (AppHostModelTests compares them).
/// </summary>
public static class ApiSettings
{
    public sealed record Setting(string Parameter, string Key, string Default, string Description);

    public static IReadOnlyList<Setting> All { get; } =
    [
        new("api-trace-sample-ratio", "Telemetry:TraceSampleRatio", "1", "Share of traces kept, from 0 to 1, decided where a trace starts."),
        new("api-max-traces-per-second", "Telemetry:MaxTracesPerSecond", "100", "Traces each API replica keeps per second at most: N replicas keep up to N times as many."),
        new("api-low-free-space-ratio", "Monitoring:LowFreeSpaceRatio", "0.1", "The database disk's free share under which the storage monitor warns."),
        new("api-storage-interval-seconds", "Monitoring:StorageIntervalSeconds", "60", "How often the storage monitor samples the database's size and free space."),
        new("api-auth-permit-limit", "RateLimiting:Auth:PermitLimit", "10", "Registrations, logins and refreshes per client address a minute, each endpoint, for all replicas together."),
        new("api-failed-login-permit-limit", "RateLimiting:FailedLogins:PermitLimit", "5", "Failed logins per email in 15 minutes, for all replicas together."),
        new("api-failed-login-max-tracked-emails", "RateLimiting:FailedLogins:MaxTrackedEmails", "100000", "Emails each replica's in-memory failed-login limiter tracks at most; full, it refuses logins of others."),
        new("api-shared-limits", "RateLimiting:Shared", "true", "Whether the limits are counted in Redis for all replicas together; false leaves each replica its own budgets (comparison only)."),
        new("api-timer-write-permit-limit", "RateLimiting:TimerWrites:PermitLimit", "60", "Timer creates, updates and deletes per account a minute, for all replicas together."),
        new("api-refresh-token-purge-after", "RefreshTokens:PurgeAfter", "30.00:00:00", "How long an expired or revoked refresh token is kept before it is deleted."),
        new("api-refresh-token-purge-interval", "RefreshTokens:PurgeInterval", "01:00:00", "How often the API deletes refresh tokens past their keeping time."),
        new("api-access-token-lifetime", "Jwt:AccessTokenLifetime", "00:15:00", "How long an access token is valid."),
        new("api-known-proxies", "ForwardedHeaders:KnownProxies", "", "Proxy addresses whose X-Forwarded-For the API trusts, comma-separated; none by default."),
        new("api-known-networks", "ForwardedHeaders:KnownNetworks", "", "Proxy networks (CIDR) whose X-Forwarded-For the API trusts, comma-separated; none by default."),
    ];

    /// <summary>Each setting a parameter of its own, handed to the API as its environment variable.</summary>
    public static IResourceBuilder<ProjectResource> WithParameterSettings(this IResourceBuilder<ProjectResource> api)
    {
        var builder = api.ApplicationBuilder;
        foreach (var setting in All)
        {
            // By its parameter name first, as Aspire reads a parameter; else under the setting's own key.
            var value = Given(builder.Configuration, $"Parameters:{setting.Parameter}") ?? Given(builder.Configuration, setting.Key) ?? setting.Default;
            var parameter = builder.AddParameter(setting.Parameter, value, publishValueAsDefault: true).WithDescription(setting.Description);
            api.WithEnvironment(setting.Key.Replace(":", "__", StringComparison.Ordinal), parameter);
        }
        return api;
    }

    /// <summary>A value given under the setting's key; a list (Key:0, Key:1, …) as one comma-separated value.</summary>
    private static string? Given(ConfigurationManager configuration, string key)
    {
        var value = configuration[key]
            ?? string.Join(',', configuration.GetSection(key).GetChildren().Select(c => c.Value).Where(v => !string.IsNullOrEmpty(v)));
        return value.Length > 0 ? value : null;
    }
}
