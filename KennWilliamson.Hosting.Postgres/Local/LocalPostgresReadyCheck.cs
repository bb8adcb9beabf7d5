using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace KennWilliamson.Hosting.Postgres;

/// <summary>
/// The local server's health check. A login attempt while PostgreSQL is still starting is refused and
/// logged by the server as <c>FATAL: the database system is starting up</c>, an error on the dashboard of
/// every clean start. So, as <c>pg_ctl start --wait</c> does, the check first reads the server's status
/// from <c>postmaster.pid</c>, and connects (and runs SELECT 1) only once it says <c>ready</c>.
/// </summary>
internal sealed class LocalPostgresReadyCheck(string dataDirectory, Func<string?> connectionString) : IHealthCheck
{
    // postmaster.pid's 8th line is the server's status: starting, ready, stopping or standby.
    private const int StatusLine = 8;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!await SaysReadyAsync(cancellationToken))
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is still starting.");
        }
        var connection = connectionString() ?? throw new InvalidOperationException("PostgreSQL has not started yet.");
        await using var session = new NpgsqlConnection(connection);
        await session.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", session);
        await command.ExecuteScalarAsync(cancellationToken);
        return HealthCheckResult.Healthy();
    }

    private async Task<bool> SaysReadyAsync(CancellationToken ct)
    {
        try
        {
            var lines = await File.ReadAllLinesAsync(Path.Combine(dataDirectory, "postmaster.pid"), ct);
            return lines.Length >= StatusLine && lines[StatusLine - 1].Trim() == "ready";
        }
        catch (FileNotFoundException)
        {
            return false; // not started yet, or stopped
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true; // cannot tell (a folder closed to this user, a file being rewritten): connect as before
        }
    }
}
