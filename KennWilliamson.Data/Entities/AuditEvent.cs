using System.Net;
using System.Text.Json;

namespace KennWilliamson.Data.Entities;

/// <summary>
/// Who did what to whom, from where. Written by the API for security-relevant actions; rows are kept
/// when the actor is deleted (no foreign key), so the trail outlives the account.
/// </summary>
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

/// <summary>The actions the API records.</summary>
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
