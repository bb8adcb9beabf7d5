using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace KennWilliamson.Api.Infrastructure;

public sealed class RateLimitOptions : IValidatableObject, IWindowLimit
{
    public const string Section = "RateLimiting:Auth";
    public const string AuthPolicy = "auth";

    public int PermitLimit { get; set; } = 10;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => LimitSettings.Check(Section, PermitLimit, Window);
}

public static class RateLimits
{
    public static IServiceCollection AddAuthRateLimits(this IServiceCollection services)
    {
        services.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.Section);
        services.AddRateLimiter(_ => { });
        // Read when the rate limiter is built, which is after the start-up check.
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, auth) =>
        {
            var options = auth.Value;
            var retryAfter = TimeSpan.FromTicks(options.Window.Ticks / SharedLimits.Segments);
            // The default rejection is 503, which tells clients the service is down; it is not.
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : retryAfter;
                SetRetryAfter(context.HttpContext.Response, wait);
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = TooManyRequests(),
                });
            };
            // Keyed on the matched endpoint, not the raw path: routing is case-insensitive, so every spelling shares a budget.
            limiter.AddPolicy(RateLimitOptions.AuthPolicy, http => RateLimitPartition.GetSlidingWindowLimiter(
                $"{EndpointKey(http)}|{ClientPartition.Of(http.Connection.RemoteIpAddress)}",
                _ => new SlidingWindowRateLimiterOptions
                {
                    PermitLimit = options.PermitLimit,
                    Window = options.Window,
                    SegmentsPerWindow = SharedLimits.Segments,
                    QueueLimit = 0,
                }));
        });
        return services;
    }

    /// <summary>The credential endpoints' limit per client address: in this process, then across replicas.</summary>
    public static TBuilder RequireAuthLimits<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(RateLimitOptions.AuthPolicy)
            .RequireSharedLimit<TBuilder, RateLimitOptions>(RateLimitOptions.AuthPolicy, http => $"{EndpointKey(http)}|{ClientPartition.Of(http.Connection.RemoteIpAddress)}");

    /// <summary>One 429 body for every limit, so no refusal tells one limit from another.</summary>
    public static ProblemDetails TooManyRequests() =>
        ApiProblems.Create(StatusCodes.Status429TooManyRequests, "Too many requests, try again later");

    public static void SetRetryAfter(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    public static string EndpointKey(HttpContext http) => http.GetEndpoint() switch
    {
        RouteEndpoint route => route.RoutePattern.RawText ?? route.DisplayName ?? "",
        { } endpoint => endpoint.DisplayName ?? "",
        null => "",
    };
}
