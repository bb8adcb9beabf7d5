using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using KennWilliamson.Api.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace KennWilliamson.Api.IncidentTimers;

/// <summary>
/// Timer create, update and delete per account (RateLimiting:TimerWrites): every "Reset Timer" adds a
/// row, so without a limit one account could add tens of thousands a minute. Rejections are the
/// rate limiter's one OnRejected (RateLimits.cs): 429, Retry-After and problem details.
/// </summary>
public sealed class TimerWriteLimitOptions : IValidatableObject
{
    public const string Section = "RateLimiting:TimerWrites";
    public const string Policy = "timer-writes";

    /// <summary>60 a minute: a person resetting a timer by hand never meets it.</summary>
    public int PermitLimit { get; set; } = 60;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => LimitSettings.Check(Section, PermitLimit, Window);
}

public static class TimerWriteLimits
{
    private const int Segments = 6;

    /// <summary>Adds the policy to the rate limiter RateLimits.cs sets up (its rejection handling applies).</summary>
    public static IServiceCollection AddTimerWriteLimits(this IServiceCollection services)
    {
        services.AddValidatedOptions<TimerWriteLimitOptions>(TimerWriteLimitOptions.Section);
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<TimerWriteLimitOptions>>((limiter, writes) =>
        {
            var options = writes.Value;
            limiter.AddPolicy(TimerWriteLimitOptions.Policy, http =>
                // Keyed on the token's subject: one account is one budget whatever addresses it uses. The
                // routes require a token, so an anonymous request never gets here (401 comes first).
                CurrentUser.IdOf(http.User) is { } user
                    ? RateLimitPartition.GetSlidingWindowLimiter(user, _ => new SlidingWindowRateLimiterOptions
                    {
                        PermitLimit = options.PermitLimit,
                        Window = options.Window,
                        SegmentsPerWindow = Segments,
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter(Guid.Empty));
        });
        return services;
    }
}
