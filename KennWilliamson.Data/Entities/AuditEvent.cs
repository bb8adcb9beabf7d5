using System.Net;
using System.Text.Json;

namespace KennWilliamson.Data.Entities;

/// <summary>No foreign key to the actor, so the trail outlives the account.</summary>
public sealed class AuditEvent
{
    public Guid Id { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public Guid? ActorUserId { get; set; }
    public required string Action { get; set; }
    public string? Target { get; set; }
    public IPAddress? ClientAddress { get; set; }
    public string? UserAgent { get; set; }
    public JsonDocument? Details { get; set; }
}

public static class AuditActions
{
    public const string Register = "user.register";
    public const string LoginSucceeded = "auth.login.succeeded";
    public const string LoginFailed = "auth.login.failed";
    public const string RefreshTokenReuse = "auth.refresh_token.reuse";
    public const string RoleGranted = "role.granted";
    public const string RoleRevoked = "role.revoked";
    public const string PasswordHashUpgraded = "auth.password_hash.upgraded";
}
