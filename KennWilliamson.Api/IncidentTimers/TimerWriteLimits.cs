using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using KennWilliamson.Api.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace KennWilliamson.Api.IncidentTimers;

/// <summary>Every "Reset Timer" adds a row, so without a limit one account could add thousands a minute.</summary>
public sealed class TimerWriteLimitOptions : IValidatableObject, IWindowLimit
{
    public const string Section = "RateLimiting:TimerWrites";
    public const string Policy = "timer-writes";

    public int PermitLimit { get; set; } = 60;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => LimitSettings.Check(Section, PermitLimit, Window);
}

public static class TimerWriteLimits
{
    /// <summary>One account's writes: in this process, then across replicas.</summary>
    public static TBuilder RequireTimerWriteLimits<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(TimerWriteLimitOptions.Policy)
            .RequireSharedLimit<TBuilder, TimerWriteLimitOptions>(TimerWriteLimitOptions.Policy, http => CurrentUser.IdOf(http.User)?.ToString());

    /// <summary>Adds to the rate limiter RateLimits.cs sets up, so its rejection handling applies.</summary>
    public static IServiceCollection AddTimerWriteLimits(this IServiceCollection services)
    {
        services.AddValidatedOptions<TimerWriteLimitOptions>(TimerWriteLimitOptions.Section);
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<TimerWriteLimitOptions>>((limiter, writes) =>
        {
            var options = writes.Value;
            limiter.AddPolicy(TimerWriteLimitOptions.Policy, http =>
                // Keyed on the token's subject: one account is one budget whatever addresses it uses.
                CurrentUser.IdOf(http.User) is { } user
                    ? RateLimitPartition.GetSlidingWindowLimiter(user, _ => new SlidingWindowRateLimiterOptions
                    {
                        PermitLimit = options.PermitLimit,
                        Window = options.Window,
                        SegmentsPerWindow = SharedLimits.Segments,
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter(Guid.Empty));
        });
        return services;
    }
}
