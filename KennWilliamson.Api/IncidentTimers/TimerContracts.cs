using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Data.Entities;

namespace KennWilliamson.Api.IncidentTimers;

/// <summary>Create and update: a field left out keeps its value (create: <c>reset_timestamp</c> defaults to now).</summary>
public sealed record TimerRequest(DateTimeOffset? ResetTimestamp, string? Notes) : IValidatable
{
    public const int MaxNotesLength = 10_000;

    /// <summary>UTC, cut to PostgreSQL's microseconds, so the response shows exactly what is stored.</summary>
    public static DateTimeOffset ToStored(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    public void Validate(FieldErrors errors)
    {
        // No range check: an out-of-range UTC time cannot exist, and such JSON fails to bind (a 400) before this runs.
        errors.Length("notes", Notes, 0, MaxNotesLength);
    }
}

/// <summary>A timer as its owner sees it: never <c>user_id</c>.</summary>
public sealed record TimerResponse(Guid Id, DateTimeOffset ResetTimestamp, string? Notes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static TimerResponse From(IncidentTimer t) => new(t.Id, t.ResetTimestamp, t.Notes, t.CreatedAt, t.UpdatedAt);
}

/// <summary>The public view of a user's newest timer, with the name to show beside it.</summary>
public sealed record PublicTimerResponse(Guid Id, DateTimeOffset ResetTimestamp, string? Notes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string UserDisplayName);
