namespace KennWilliamson.Data.Entities;

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
