using System.Data;
using Npgsql;

namespace KennWilliamson.Api.IncidentTimers;

/// <summary>
/// The two reads whose cost must not grow with a user's history; their plans are asserted by
/// Tests/Schema/TimerPlanTests against a database with a user of 20,000 timers.
/// </summary>
public static class TimerQueries
{
    /// <summary>SQL comment on the public read (EF's TagWith): finds its statement in pg_stat_statements.</summary>
    public const string PublicReadTag = "public timer read";

    /// <summary>SQL comment on the list page.</summary>
    public const string ListTag = "timer list page";

    /// <summary>
    /// A user's newest timer by slug: the user by the unique slug index, then a LATERAL "newest one of
    /// this user", which is one entry of idx_incident_timers_user_reset_id. Raw SQL because EF turns
    /// every LINQ form of "first timer per user" into ROW_NUMBER() over all of incident_timers, and the
    /// plain join-then-sort (`… JOIN users … ORDER BY … LIMIT 1`) read and sorted every timer of the user.
    /// Plain Npgsql on the API's data source (a pooled connection for the one statement): the hottest read, and
    /// EF's query pipeline was a fifth of its running time, and borrowing a DbContext's connection a sixth, for a
    /// statement EF adds nothing to (docs/benchmarks-reference.md, the profiles). Npgsql's own tracing still covers it;
    /// the comment names it in pg_stat_statements.
    /// </summary>
    public static async Task<PublicTimerResponse?> NewestBySlugAsync(NpgsqlDataSource database, string slug, CancellationToken ct)
    {
        await using var command = database.CreateCommand(PublicReadSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = slug });
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        return await reader.ReadAsync(ct)
            ? new PublicTimerResponse(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5))
            : null;
    }

    private const string PublicReadSql = "-- " + PublicReadTag + """

        SELECT t.id, t.reset_timestamp, t.notes, t.created_at, t.updated_at, u.display_name AS user_display_name
        FROM users AS u
        CROSS JOIN LATERAL (
            SELECT i.id, i.reset_timestamp, i.notes, i.created_at, i.updated_at
            FROM incident_timers AS i
            WHERE i.user_id = u.id
            ORDER BY i.reset_timestamp DESC, i.id DESC
            LIMIT 1) AS t
        WHERE u.slug = $1
        """;

    /// <summary>
    /// One page of a user's timers, newest first. The cursor is a row comparison,
    /// <c>(reset_timestamp, id) &lt; ($3, $4)</c>, which PostgreSQL uses as an index condition on
    /// (user_id, reset_timestamp DESC, id DESC): a page reads its own rows only, at any depth (no OFFSET).
    /// Plain Npgsql for the same reason as the public read: EF's pipeline was 17 % of the list's running
    /// time (benchmarks/results/profile-20261203T063616Z.txt).
    /// </summary>
    public static async Task<List<TimerResponse>> PageAsync(NpgsqlDataSource database, Guid userId, int limit, TimerCursor? before, CancellationToken ct)
    {
        await using var command = database.CreateCommand(before is null ? FirstPageSql : NextPageSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        if (before is { } cursor)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cursor.ResetTimestamp });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = cursor.Id });
        }
        var page = new List<TimerResponse>(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            page.Add(new TimerResponse(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return page;
    }

    private const string FirstPageSql = "-- " + ListTag + """

        SELECT id, reset_timestamp, notes, created_at, updated_at
        FROM incident_timers
        WHERE user_id = $1
        ORDER BY reset_timestamp DESC, id DESC
        LIMIT $2
        """;

    private const string NextPageSql = "-- " + ListTag + """

        SELECT id, reset_timestamp, notes, created_at, updated_at
        FROM incident_timers
        WHERE user_id = $1 AND (reset_timestamp, id) < ($3, $4)
        ORDER BY reset_timestamp DESC, id DESC
        LIMIT $2
        """;
}
