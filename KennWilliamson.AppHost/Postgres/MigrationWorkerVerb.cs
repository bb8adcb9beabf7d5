using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KennWilliamson.AppHost.Postgres;

/// <summary>
/// One dashboard command's run of a migration worker verb (<c>reset</c>, <c>backup</c>, <c>rehearse</c>, <c>purge</c>,
/// <c>grant-admin</c>): the worker's own build (its path compiled in by the project file), the resource's
/// connection string and the secrets in its environment (never on its command line). Its report (standard
/// output) goes to the resource's log and into the command's result; its <c>error:</c> line becomes the
/// failure message; its own log (standard error) is kept at debug level. Stopped after
/// <c>DatabaseCommands:TimeoutSeconds</c> (300): asked first (SIGTERM, so the verb cancels and cleans up: a
/// backup removes its .partial and gpg home), killed with its children only if it has not exited
/// <see cref="Grace"/> later.
/// </summary>
internal static class MigrationWorkerVerb
{
    public const string TimeoutSetting = "DatabaseCommands:TimeoutSeconds";
    private const int DefaultTimeoutSeconds = 300;

    /// <summary>Up to the worker's own shutdown time-out (the host's 30 s): its verb cancels well within it.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>KennWilliamson.MigrationService.dll of the same build as this AppHost.</summary>
    public static string WorkerPath { get; } = typeof(MigrationWorkerVerb).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .SingleOrDefault(a => a.Key == "MigrationWorkerPath")?.Value ?? "";

    public static async Task<ExecuteCommandResult> RunAsync(ExecuteCommandContext context, IResourceWithConnectionString database,
        IReadOnlyDictionary<string, ParameterResource> secrets, IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var ct = context.CancellationToken;
        var logger = context.Logger;
        var verb = args[0];
        var timeoutText = context.Services.GetService<IConfiguration>()?[TimeoutSetting];
        if (ParseTimeout(timeoutText) is not { } timeoutAfter)
        {
            return CommandResults.Failure($"{TimeoutSetting} is '{timeoutText}'; use a whole number of seconds from 1 to 86400 (default {DefaultTimeoutSeconds}).");
        }
        if (!File.Exists(WorkerPath))
        {
            return CommandResults.Failure($"The migration worker is not built ({WorkerPath}): build the solution (dotnet build) and try again.");
        }
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WorkerPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["ConnectionStrings__kennwilliamson"] = await database.ConnectionStringExpression.GetValueAsync(ct)
            ?? throw new InvalidOperationException($"{database.Name} has no connection string yet.");
        foreach (var (variable, secret) in secrets)
        {
            start.Environment[variable] = await secret.GetValueAsync(ct) ?? "";
        }
        foreach (var (variable, value) in settings)
        {
            start.Environment[variable] = value;
        }
        // The worker prefers DATABASE_URL for these verbs: one left in the AppHost's environment must not
        // point a reset at another database than the resource's.
        start.Environment.Remove("DATABASE_URL");

        var report = new StringBuilder();
        var log = new Queue<string>(); // the worker's last log lines, for a failure without a reason
        var reason = "";
        logger.LogInformation("Running the migration worker: {Arguments}", string.Join(' ', args));
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
            process.StandardInput.Close();
            var stdout = PumpAsync(process.StandardOutput, line =>
            {
                lock (report)
                {
                    report.AppendLine(line);
                }
                logger.LogInformation("{Line}", line);
            });
            var stderr = PumpAsync(process.StandardError, line =>
            {
                if (line.StartsWith("error: ", StringComparison.Ordinal))
                {
                    reason = line["error: ".Length..];
                }
                lock (log)
                {
                    log.Enqueue(line);
                    if (log.Count > 20)
                    {
                        log.Dequeue();
                    }
                }
                logger.LogDebug("{Line}", line);
            });
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(timeoutAfter);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                await StopAsync(process, logger);
                await Task.WhenAll(stdout, stderr);
                if (ct.IsCancellationRequested)
                {
                    throw;
                }
                logger.LogWarning("{Verb} did not finish within {Limit} and was stopped", verb, Describe(timeoutAfter));
                return CommandResults.Failure($"The migration worker's {verb} did not finish within {Describe(timeoutAfter)} and was stopped.",
                    report.ToString(), CommandResultFormat.Text);
            }
            await Task.WhenAll(stdout, stderr);

            var text = report.ToString();
            if (process.ExitCode == 0)
            {
                var summary = text.Split('\n').LastOrDefault(l => l.Contains(" done", StringComparison.Ordinal))?.Trim() ?? $"{verb} succeeded";
                return CommandResults.Success(summary, text, CommandResultFormat.Text);
            }
            if (reason.Length == 0)
            {
                // No reason of its own (it crashed): the end of its log says what happened.
                reason = $"the migration worker's {verb} exited with code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}";
                text += "--- the worker's log (last lines) ---\n" + string.Join('\n', log);
            }
            logger.LogWarning("{Verb} failed: {Reason}", verb, reason);
            return CommandResults.Failure(reason, text, CommandResultFormat.Text);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return CommandResults.Failure($"Could not start the migration worker with dotnet: {ex.Message} (the .NET SDK's dotnet must be on PATH).");
        }
    }

    /// <summary>The time-out in seconds (unset: 300), or null for a value that is not one.</summary>
    internal static TimeSpan? ParseTimeout(string? text) => text switch
    {
        null or "" => TimeSpan.FromSeconds(DefaultTimeoutSeconds),
        _ when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 86_400 => TimeSpan.FromSeconds(seconds),
        _ => null,
    };

    private static string Describe(TimeSpan limit) => limit.TotalSeconds % 60 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{limit.TotalMinutes} minute{(limit.TotalMinutes == 1 ? "" : "s")}")
        : string.Create(CultureInfo.InvariantCulture, $"{limit.TotalSeconds} seconds");

    /// <summary>
    /// SIGTERM first: the worker's host cancels the verb, which stops its tools and removes what it was
    /// writing. A kill (no finally block runs) only when it has not exited within <see cref="Grace"/>.
    /// </summary>
    private static async Task StopAsync(Process process, ILogger logger)
    {
        if (!OperatingSystem.IsWindows() && Signal(process.Id, Sigterm) == 0)
        {
            using var grace = new CancellationTokenSource(Grace);
            try
            {
                await process.WaitForExitAsync(grace.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                logger.LogWarning("The migration worker did not stop within {Grace} s of SIGTERM: killing it", Grace.TotalSeconds);
            }
        }
        try
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Signal(int pid, int signal);

    private static async Task PumpAsync(StreamReader reader, Action<string> onLine)
    {
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            onLine(line);
        }
    }
}
