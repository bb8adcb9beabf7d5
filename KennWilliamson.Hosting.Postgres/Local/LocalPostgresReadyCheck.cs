using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace KennWilliamson.Hosting.Postgres;

/// <summary>
/// Logs in only once postmaster.pid says <c>ready</c>, as <c>pg_ctl start --wait</c> does: a login during start-up is
/// logged by the server as FATAL, an error on the dashboard of every clean start.
/// </summary>
internal sealed class LocalPostgresReadyCheck(string dataDirectory, Func<string?> connectionString) : IHealthCheck
{
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
