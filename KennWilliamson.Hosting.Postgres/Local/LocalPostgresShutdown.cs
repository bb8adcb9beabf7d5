using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KennWilliamson.Hosting.Postgres;

/// <summary>
/// <c>pg_ctl stop -m fast</c> before the orchestrator kills the server, so its next start needs no crash recovery;
/// registered after Aspire's services, so it stops first.
/// </summary>
internal sealed class LocalPostgresShutdown(string binDirectory, string dataDirectory, string? runAs, ILogger<LocalPostgresShutdown> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            return; // not running
        }
        var stop = ChildProcess.AsUser(runAs, Path.Combine(binDirectory, "pg_ctl"), ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "30"]);
        try
        {
            var result = await ChildProcess.RunAsync(stop[0], stop[1..], TimeSpan.FromMinutes(1), cancellationToken: cancellationToken);
            logger.LogInformation("PostgreSQL stopped (pg_ctl exit {ExitCode}) {Output}", result.ExitCode, result.Error.Trim());
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or OperationCanceledException or IOException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not stop PostgreSQL cleanly; it will recover from its WAL on the next start.");
        }
    }
}
