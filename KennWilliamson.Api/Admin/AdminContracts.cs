using System.Text.Json;
using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Api.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace KennWilliamson.Api.Admin;

/// <summary>A page past <see cref="Paging.MaxPage"/> is refused (400): its offset would overflow; smaller oddities are clamped.</summary>
public sealed record PageQuery([FromQuery(Name = "page")] int? Page, [FromQuery(Name = "page_size")] int? PageSize) : IValidatable
{
    public void Validate(FieldErrors errors)
    {
        if (Page > Paging.MaxPage)
        {
            errors.Add("page", $"page must be at most {Paging.MaxPage}");
        }
    }
}

public sealed record Paging(int Page, int PageSize)
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 50;
    /// <summary>So the offset always fits in an int (EF's Skip) with room to spare.</summary>
    public const int MaxPage = 1_000_000;

    public static Paging From(PageQuery query) =>
        new(Math.Clamp(query.Page ?? 1, 1, MaxPage), Math.Clamp(query.PageSize ?? DefaultPageSize, 1, MaxPageSize));

    public int Skip => checked((int)((long)(Page - 1) * PageSize));
}

public sealed record UserPage(int Page, int PageSize, int Total, IReadOnlyList<UserResponse> Users);

public sealed record AuditEventResponse(Guid Id, DateTimeOffset OccurredAt, Guid? ActorUserId, string Action, string? Target,
    string? ClientAddress, string? UserAgent, JsonElement? Details);

public sealed record AuditEventPage(int Page, int PageSize, int Total, IReadOnlyList<AuditEventResponse> Events);

public sealed record SlowQuery(string Query, long Calls, double MeanExecTimeMs, double TotalExecTimeMs);
