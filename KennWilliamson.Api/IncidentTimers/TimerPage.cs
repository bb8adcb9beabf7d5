using System.ComponentModel;
using System.Globalization;
using KennWilliamson.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace KennWilliamson.Api.IncidentTimers;

/// <summary>Where a keyset page starts: strictly older than this timer in (reset_timestamp, id) order.</summary>
public readonly record struct TimerCursor(DateTimeOffset ResetTimestamp, Guid Id)
{
    /// <summary>UTC with PostgreSQL's microseconds, so it round-trips exactly.</summary>
    public override string ToString() =>
        $"{ResetTimestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)},{Id}";

    public static bool TryParse(string? value, out TimerCursor cursor)
    {
        cursor = default;
        var comma = value?.LastIndexOf(',') ?? -1;
        if (comma <= 0)
        {
            return false;
        }
        // An unencoded "+00:00" in a query string arrives as a space.
        var timestamp = value![..comma].Trim().Replace(' ', '+');
        if (!DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var reset)
            || !Guid.TryParse(value[(comma + 1)..].Trim(), out var id))
        {
            return false;
        }
        cursor = new TimerCursor(TimerRequest.ToStored(reset), id);
        return true;
    }
}

/// <summary>The query of <c>GET /api/incident-timers</c>: a bounded page, newest first.</summary>
public sealed class TimerPageRequest : IValidatable
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    [FromQuery(Name = "limit")]
    [Description("How many timers to return, newest first: an integer from 1 to 500 (default 100).")]
    public int? Limit { get; init; }

    [FromQuery(Name = "before")]
    [Description("Keyset cursor for the next (older) page: the last timer of the previous page as `<reset_timestamp>,<id>`, "
        + "e.g. `2024-05-01T12:00:00Z,0195f0a4-8a1c-7c3e-9a2b-2f4f5e6d7c8b` (URL-encode it; the `Link: rel=\"next\"` header holds it ready). "
        + "Returns the timers strictly older in (reset_timestamp, id) order, so rows added meanwhile never shift a page.")]
    public TimerCursor? Before { get; init; }

    public int PageSize => Limit ?? DefaultLimit;

    public void Validate(FieldErrors errors)
    {
        if (Limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"limit must be an integer from 1 to {MaxLimit}");
        }
    }

    /// <summary>RFC 8288 <c>rel="next"</c> when this page is full (the next may then be empty).</summary>
    public static string? NextLink(HttpRequest request, IReadOnlyList<TimerResponse> page, int pageSize)
    {
        if (page.Count < pageSize)
        {
            return null;
        }
        var last = new TimerCursor(page[^1].ResetTimestamp, page[^1].Id);
        return $"<{request.PathBase}{request.Path}?limit={pageSize}&before={Uri.EscapeDataString(last.ToString())}>; rel=\"next\"";
    }
}
