using KennWilliamson.Data.Sql;
using Npgsql;

namespace KennWilliamson.Api.IncidentTimers;

public static class TimerSql
{
    private static readonly SqlColumn[] TimerColumns =
    [
        new("id", typeof(Guid)), new("reset_timestamp", typeof(DateTimeOffset)), new("notes", typeof(string)),
        new("created_at", typeof(DateTimeOffset)), new("updated_at", typeof(DateTimeOffset)),
    ];

    /// <summary>Hand-written: LATERAL reads one index entry, where every LINQ "first per user" became ROW_NUMBER() over all timers.</summary>
    public static readonly SqlStatement PublicRead = new("public timer read", """
        SELECT t.id, t.reset_timestamp, t.notes, t.created_at, t.updated_at, u.display_name AS user_display_name
        FROM users AS u
        CROSS JOIN LATERAL (
            SELECT i.id, i.reset_timestamp, i.notes, i.created_at, i.updated_at
            FROM incident_timers AS i
            WHERE i.user_id = u.id
            ORDER BY i.reset_timestamp DESC, i.id DESC
            LIMIT 1) AS t
        WHERE u.slug = $1
        """, [typeof(string)], [.. TimerColumns, new("user_display_name", typeof(string))]);

    public static readonly SqlStatement FirstPage = new("timer list page", """
        SELECT id, reset_timestamp, notes, created_at, updated_at
        FROM incident_timers
        WHERE user_id = $1
        ORDER BY reset_timestamp DESC, id DESC
        LIMIT $2::int
        """, [typeof(Guid), typeof(int)], TimerColumns);

    /// <summary>The row comparison is an index condition, so no OFFSET.</summary>
    public static readonly SqlStatement NextPage = new("timer list page", """
        SELECT id, reset_timestamp, notes, created_at, updated_at
        FROM incident_timers
        WHERE user_id = $1 AND (reset_timestamp, id) < ($3, $4)
        ORDER BY reset_timestamp DESC, id DESC
        LIMIT $2::int
        """, [typeof(Guid), typeof(int), typeof(DateTimeOffset), typeof(Guid)], TimerColumns);

    public static readonly SqlStatement Create = new("timer create", """
        INSERT INTO incident_timers (user_id, reset_timestamp, notes) VALUES ($1, $2, $3)
        RETURNING id, created_at, updated_at
        """, [typeof(Guid), typeof(DateTimeOffset), typeof(string)],
        new SqlColumn("id", typeof(Guid)), new("created_at", typeof(DateTimeOffset)), new("updated_at", typeof(DateTimeOffset)));

    public static TimerResponse ReadTimer(NpgsqlDataReader row) =>
        new(row.GetGuid(0), row.GetFieldValue<DateTimeOffset>(1), row.IsDBNull(2) ? null : row.GetString(2),
            row.GetFieldValue<DateTimeOffset>(3), row.GetFieldValue<DateTimeOffset>(4));

    public static PublicTimerResponse ReadPublicTimer(NpgsqlDataReader row) =>
        new(row.GetGuid(0), row.GetFieldValue<DateTimeOffset>(1), row.IsDBNull(2) ? null : row.GetString(2),
            row.GetFieldValue<DateTimeOffset>(3), row.GetFieldValue<DateTimeOffset>(4), row.GetString(5));
}
