using Npgsql;

namespace KennWilliamson.Tests.Fuzz;

/// <summary>
/// What a request could have written, read in one round trip as the owner: the row count of every table the
/// API writes, and the newest updated_at of those it updates in place. audit_events is left out on purpose:
/// a refused login is audited (auth.login.failed) by design, so a 401 there legitimately adds a row.
/// </summary>
public sealed class RowCounts(NpgsqlConnection connection) : IAsyncDisposable
{
    private const string Sql = """
        SELECT (SELECT count(*) FROM users)::text || ' users, '
            || (SELECT count(*) FROM user_roles) || ' user_roles, '
            || (SELECT count(*) FROM incident_timers) || ' incident_timers, '
            || (SELECT count(*) FROM refresh_tokens) || ' refresh_tokens, '
            || (SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NOT NULL) || ' revoked, users updated '
            || coalesce((SELECT max(updated_at) FROM users)::text, '-') || ', timers updated '
            || coalesce((SELECT max(updated_at) FROM incident_timers)::text, '-')
        """;

    private readonly NpgsqlCommand _command = new(Sql, connection);

    /// <summary>A readable snapshot; two snapshots are equal when nothing was written in between.</summary>
    public async Task<string> ReadAsync() => (string)(await _command.ExecuteScalarAsync())!;

    public async ValueTask DisposeAsync()
    {
        await _command.DisposeAsync();
        await connection.DisposeAsync();
    }
}
