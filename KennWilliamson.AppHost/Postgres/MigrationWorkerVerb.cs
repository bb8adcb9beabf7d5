using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.Logging;

namespace KennWilliamson.AppHost.Postgres;

/// <summary>
/// One dashboard command's run of a migration worker verb (<c>reset</c>, <c>backup</c>, <c>rehearse</c>,
/// <c>grant-admin</c>): the worker's own build (its path compiled in by the project file), the resource's
/// connection string and the secrets in its environment (never on its command line). Its report (standard
/// output) goes to the resource's log and into the command's result; its <c>error:</c> line becomes the
/// failure message; its own log (standard error) is kept at debug level. Stopped after <see cref="Timeout"/>.
/// </summary>
internal static class MigrationWorkerVerb
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>KennWilliamson.MigrationService.dll of the same build as this AppHost.</summary>
    public static string WorkerPath { get; } = typeof(MigrationWorkerVerb).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .SingleOrDefault(a => a.Key == "MigrationWorkerPath")?.Value ?? "";

    public static async Task<ExecuteCommandResult> RunAsync(ExecuteCommandContext context, IResourceWithConnectionString database,
        IReadOnlyDictionary<string, ParameterResource> secrets, IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var ct = context.CancellationToken;
        var logger = context.Logger;
        var verb = args[0];
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
            timeout.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
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
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return CommandResults.Failure($"The migration worker's {verb} did not finish within {Timeout.TotalMinutes} minutes and was stopped.");
        }
    }

    private static async Task PumpAsync(StreamReader reader, Action<string> onLine)
    {
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            onLine(line);
        }
    }
}
