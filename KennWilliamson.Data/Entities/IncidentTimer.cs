namespace KennWilliamson.Data.Entities;

/// <summary>"Days since the last incident": a user's timer. Ordered by <see cref="ResetTimestamp"/>; id only breaks ties (the list's keyset cursor).</summary>
public sealed class IncidentTimer
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset ResetTimestamp { get; set; }
    public string? Notes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public User? User { get; set; }
}
