using System.Text.Json;
using KennWilliamson.Data;
using KennWilliamson.Data.Entities;

namespace KennWilliamson.Api.Infrastructure;

public sealed class AuditLog(AppDbContext db, IHttpContextAccessor http)
{
    private const int MaxUserAgent = 512;

    /// <summary>Not saved here, so the event commits with the change it describes.</summary>
    public void Add(string action, Guid? actor, string? target = null, object? details = null)
    {
        var request = http.HttpContext;
        var userAgent = request?.Request.Headers.UserAgent.ToString();
        db.AuditEvents.Add(new AuditEvent
        {
            Action = action,
            ActorUserId = actor,
            Target = target is { Length: > 255 } ? target[..255] : target,
            ClientAddress = request?.Connection.RemoteIpAddress,
            UserAgent = string.IsNullOrEmpty(userAgent) ? null : userAgent[..Math.Min(userAgent.Length, MaxUserAgent)],
            Details = details is null ? null : JsonSerializer.SerializeToDocument(details),
        });
    }

    /// <summary>For events that come with no other change (a failed login).</summary>
    public async Task WriteAsync(string action, Guid? actor, string? target = null, object? details = null, CancellationToken ct = default)
    {
        Add(action, actor, target, details);
        await db.SaveChangesAsync(ct);
    }
}
