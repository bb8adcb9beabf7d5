namespace KennWilliamson.Data.Entities;

/// <summary>
/// One refresh token of a login "family". Only the SHA-256 of the token is stored. A token is spent
/// once (<see cref="UsedAt"/>); presenting a spent or revoked token revokes the whole family.
/// </summary>
public sealed class RefreshToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public Guid FamilyId { get; set; }
    public required byte[] TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
