using System.Data;
using KennWilliamson.Api.Infrastructure;
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

    /// <summary>What a create came to.</summary>
    public enum CreateOutcome
    {
        Created,
        /// <summary>A valid token of a deleted account: the foreign key refuses the row.</summary>
        UserGone,
        /// <summary>The account's shared write budget was spent.</summary>
        Limited,
    }

    /// <summary>Inserts the caller's timer, taking one permit of <paramref name="budget"/> (the key shared by every replica) in the same statement.</summary>
    public static async Task<(CreateOutcome Outcome, TimerResponse? Timer)> CreateAsync(NpgsqlDataSource database, Guid userId,
        DateTimeOffset resetTimestamp, string? notes, (string Key, IWindowLimit Limit)? budget, CancellationToken ct)
    {
        var limited = TimerSql.LimitedCreate;
        await using var command = budget is var (key, limit)
            ? limited.CreateCommand(database, limited.Argument(0, userId), limited.Argument(1, resetTimestamp), limited.Argument(2, notes),
                limited.Argument(3, key), limited.Argument(4, limit.Window), limited.Argument(5, SharedLimits.Segments), limited.Argument(6, limit.PermitLimit))
            : TimerSql.Create.CreateCommand(database, TimerSql.Create.Argument(0, userId), TimerSql.Create.Argument(1, resetTimestamp), TimerSql.Create.Argument(2, notes));
        try
        {
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
            return await reader.ReadAsync(ct)
                ? (CreateOutcome.Created, new TimerResponse(reader.GetGuid(0), resetTimestamp, notes, reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2)))
                : (CreateOutcome.Limited, null);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return (CreateOutcome.UserGone, null);
        }
    }
}
