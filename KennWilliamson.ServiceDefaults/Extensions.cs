using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every service of the application shares: OpenTelemetry, health checks, resilience and
/// service discovery. Each project calls <see cref="AddServiceDefaults{TBuilder}"/> first.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    private const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>Names of the ActivitySources that services add their own spans to.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, params string[] activitySources)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing
                // Telemetry:TraceSampleRatio (default 1: every trace) keeps that share of the traces that start
                // here, chosen by trace id; a request that arrives with a parent keeps its parent's decision; and
                // Telemetry:MaxTracesPerSecond (default 100) caps both, so a forged "sampled" header cannot force
                // more. Metrics and logs are never sampled (docs/benchmarks-reference.md: what full tracing cost under load).
                .SetSampler(new TraceRateSampler(
                    new ParentBasedSampler(new TraceIdRatioBasedSampler(TraceSampleRatio(builder.Configuration))),
                    builder.Configuration.GetValue("Telemetry:MaxTracesPerSecond", 100), TimeProvider.System))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(activitySources)
                // Health probes every few seconds would drown the traces people look for.
                .AddAspNetCoreInstrumentation(o => o.Filter = context =>
                    !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                    && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation());

        // The AppHost sets the endpoint for every resource; without it (a plain `dotnet run`) nothing is exported.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Telemetry:TraceSampleRatio, 0..1; anything else stops the start with what to set.</summary>
    private static double TraceSampleRatio(IConfiguration configuration)
    {
        var ratio = configuration.GetValue("Telemetry:TraceSampleRatio", 1.0);
        return ratio is >= 0 and <= 1 ? ratio
            : throw new InvalidOperationException($"Telemetry:TraceSampleRatio is {ratio}; use a number from 0 (no traces) to 1 (every trace).");
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check must pass) and <c>/alive</c> (the process answers) in every
    /// environment: the AppHost, the scripts and an orchestrator in production all probe them. Neither
    /// returns more than the overall status, so nothing internal leaks.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath).AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(LiveTag),
        }).AllowAnonymous();
        return app;
    }
}
