using System.Text.Json;
using KennWilliamson.Api.Users;

namespace KennWilliamson.Api.Admin;

/// <summary>Paging shared by the admin listings: page from 1, page size capped.</summary>
public sealed record Paging(int Page, int PageSize)
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 50;

    public static Paging From(int? page, int? pageSize) =>
        new(Math.Max(1, page ?? 1), Math.Clamp(pageSize ?? DefaultPageSize, 1, MaxPageSize));

    public int Skip => (Page - 1) * PageSize;
}

public sealed record UserPage(int Page, int PageSize, int Total, IReadOnlyList<UserResponse> Users);

public sealed record AuditEventResponse(Guid Id, DateTimeOffset OccurredAt, Guid? ActorUserId, string Action, string? Target,
    string? ClientAddress, string? UserAgent, JsonElement? Details);

public sealed record AuditEventPage(int Page, int PageSize, int Total, IReadOnlyList<AuditEventResponse> Events);

public sealed record SlowQuery(string Query, long Calls, double MeanExecTimeMs, double TotalExecTimeMs);
