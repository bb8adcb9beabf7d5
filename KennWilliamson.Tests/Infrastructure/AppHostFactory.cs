using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KennWilliamson.Tests.Infrastructure;

/// <summary>Builds the real AppHost in local mode with a fresh data directory, a free port and fresh secrets.</summary>
public static class AppHostFactory
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    public const string TrustedTestProxies = "127.0.0.1,::1";
    public const string ApiPortArg = "--Api:HttpPort";
    public const string TimerWriteLimitArg = "--RateLimiting:TimerWrites:PermitLimit";

    public static async Task<IDistributedApplicationTestingBuilder> CreateLocalAsync(string dataDirectory, params string[] extraArgs)
    {
        string[] args =
        [
            "--Postgres:Mode=local",
            $"--Postgres:DataDirectory={dataDirectory}",
            "--Postgres:Port=0",
            // The API listens on its port itself (no development proxy): each test app needs its own.
            $"{ApiPortArg}={LoopbackPort.Free()}",
            $"--Parameters:postgres-password={Secret()}",
            $"--Parameters:app-db-password={Secret()}",
            $"--Parameters:jwt-signing-key={Secret()}{Secret()}",
            $"--Parameters:backup-key={Secret()}",
            $"--Parameters:limits-password={Secret()}",
            .. extraArgs,
        ];
        // The tests are the API's reverse proxy: each request names its client in X-Forwarded-For, so
        // per-address limits count tests apart — unless a test sets the proxies itself (SecurityDefaultsTests
        // sets none, as the API ships; an empty override on the command line would not clear this one).
        if (!extraArgs.Any(a => a.StartsWith("--ForwardedHeaders:", StringComparison.Ordinal)))
        {
            args = [.. args, $"--ForwardedHeaders:KnownProxies={TrustedTestProxies}"];
        }
        // Load tests (WriteLoad, ConcurrencyTests) write far faster than a person: lift the per-account
        // timer write limit unless the caller sets it.
        if (!extraArgs.Any(a => a.StartsWith(TimerWriteLimitArg, StringComparison.Ordinal)))
        {
            args = [.. args, $"{TimerWriteLimitArg}=1000000"];
        }
        var builder = await DistributedApplicationTestingBuilder
            .CreateAsync<Projects.KennWilliamson_AppHost>(args, (options, _) => options.DisableDashboard = true)
            .WaitAsync(StartTimeout);
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning));
        return WithoutTelemetryExport(builder);
    }

    /// <summary>The AppHost in external mode: the database is only the owner's connection string.</summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateExternalAsync(string ownerConnectionString, string appDbPassword, CancellationToken cancellationToken)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.KennWilliamson_AppHost>(
            [
                "--Postgres:Mode=external",
                $"{ApiPortArg}={LoopbackPort.Free()}",
                $"--ConnectionStrings:kennwilliamson={ownerConnectionString}",
                $"--Parameters:app-db-password={appDbPassword}",
                $"--Parameters:jwt-signing-key={Secret()}{Secret()}",
            ],
            (options, _) => options.DisableDashboard = true, cancellationToken).WaitAsync(cancellationToken);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        return WithoutTelemetryExport(builder);
    }

    /// <summary>
    /// With no dashboard nothing listens on the OTLP endpoint Aspire hands the projects, and their exporter's
    /// in-memory retry holds every exit until it gives up: the projects get no endpoint, so they export nothing.
    /// </summary>
    public static IDistributedApplicationTestingBuilder WithoutTelemetryExport(IDistributedApplicationTestingBuilder builder)
    {
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
        }
        return builder;
    }

    public static string Secret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
}
