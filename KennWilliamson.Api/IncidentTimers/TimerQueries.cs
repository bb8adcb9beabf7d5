using System.Data;
using Npgsql;

namespace KennWilliamson.Api.IncidentTimers;

/// <summary>Hot paths on the data source directly: EF's pipeline adds work a single statement does not need.</summary>
public static class TimerQueries
{
    public static async Task<PublicTimerResponse?> NewestBySlugAsync(NpgsqlDataSource database, string slug, CancellationToken ct)
    {
        var statement = TimerSql.PublicRead;
        await using var command = statement.CreateCommand(database, statement.Argument(0, slug));
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        return await reader.ReadAsync(ct) ? TimerSql.ReadPublicTimer(reader) : null;
    }

    public static async Task<List<TimerResponse>> PageAsync(NpgsqlDataSource database, Guid userId, int limit, TimerCursor? before, CancellationToken ct)
    {
        await using var command = before is { } cursor
            ? TimerSql.NextPage.CreateCommand(database, TimerSql.NextPage.Argument(0, userId), TimerSql.NextPage.Argument(1, limit),
                TimerSql.NextPage.Argument(2, cursor.ResetTimestamp), TimerSql.NextPage.Argument(3, cursor.Id))
            : TimerSql.FirstPage.CreateCommand(database, TimerSql.FirstPage.Argument(0, userId), TimerSql.FirstPage.Argument(1, limit));
        var page = new List<TimerResponse>(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            page.Add(TimerSql.ReadTimer(reader));
        }
        return page;
    }

    /// <summary>Inserts the caller's timer; null when the account is gone (a valid token of a deleted account: the foreign key refuses the row).</summary>
    public static async Task<TimerResponse?> CreateAsync(NpgsqlDataSource database, Guid userId, DateTimeOffset resetTimestamp, string? notes, CancellationToken ct)
    {
        var create = TimerSql.Create;
        await using var command = create.CreateCommand(database, create.Argument(0, userId), create.Argument(1, resetTimestamp), create.Argument(2, notes));
        try
        {
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
            await reader.ReadAsync(ct);
            return new TimerResponse(reader.GetGuid(0), resetTimestamp, notes, reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2));
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return null;
        }
    }
}
