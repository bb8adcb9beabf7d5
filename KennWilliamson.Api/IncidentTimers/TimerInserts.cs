using Npgsql;

namespace KennWilliamson.Api.IncidentTimers;

/// <summary>
/// <c>POST /api/incident-timers</c>'s one statement. Plain Npgsql on the API's data source: EF's
/// SaveChanges (change tracking, command batching, reading back generated values) is work a one-row insert
/// does not need, as EF's query pipeline was for the reads (docs/benchmarks-reference.md).
/// </summary>
public static class TimerInserts
{
    /// <summary>SQL comment on the insert: finds its statement in pg_stat_statements.</summary>
    public const string CreateTag = "timer create";

    /// <summary>
    /// Inserts the caller's timer; the database fills its UUIDv7 id, created_at and updated_at. Null when
    /// the user no longer exists (a valid token of a deleted account: the foreign key refuses the row).
    /// </summary>
    public static async Task<TimerResponse?> CreateAsync(NpgsqlDataSource database, Guid userId, DateTimeOffset resetTimestamp, string? notes, CancellationToken ct)
    {
        await using var command = database.CreateCommand(CreateSql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = resetTimestamp });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)notes ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        try
        {
            await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, ct);
            await reader.ReadAsync(ct);
            return new TimerResponse(reader.GetGuid(0), resetTimestamp, notes, reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return null;
        }
    }

    private const string CreateSql = "-- " + CreateTag + """

        INSERT INTO incident_timers (user_id, reset_timestamp, notes) VALUES ($1, $2, $3)
        RETURNING id, created_at, updated_at
        """;
}
