using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KennWilliamson.AppHost.Postgres.Local;

/// <summary>
/// Stops the local server with <c>pg_ctl stop -m fast</c> when the AppHost stops, before the
/// orchestrator tears the processes down: PostgreSQL then writes a shutdown checkpoint, and its next
/// start is a clean one instead of crash recovery. Registered after Aspire's own services, so it
/// stops first.
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
        var pgCtl = Path.Combine(binDirectory, "pg_ctl");
        string[] stop = [pgCtl, "stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "30"];
        var start = runAs is null
            ? new ProcessStartInfo(pgCtl, stop[1..])
            : new ProcessStartInfo("setpriv", [$"--reuid={runAs}", $"--regid={runAs}", "--init-groups", "--", .. stop]);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        try
        {
            using var process = Process.Start(start)!;
            var output = await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            logger.LogInformation("PostgreSQL stopped (pg_ctl exit {ExitCode}) {Output}", process.ExitCode, output.Trim());
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or OperationCanceledException or IOException)
        {
            logger.LogWarning(ex, "Could not stop PostgreSQL cleanly; it will recover from its WAL on the next start.");
        }
    }
}
