using System.Globalization;
using System.Reflection;
using System.Text;
using KennWilliamson.Hosting.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KennWilliamson.AppHost;

/// <summary>
/// One run of a worker verb for a dashboard command: secrets in its environment, never on its command line; its standard
/// output is the result and its <c>error:</c> line the reason. Timed out, it gets SIGTERM first so the verb can clean up.
/// </summary>
internal static class MigrationWorkerVerb
{
    public const string TimeoutSetting = "DatabaseCommands:TimeoutSeconds";
    private const int DefaultTimeoutSeconds = 300;

    /// <summary>The worker host's own shutdown time-out.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    /// <summary>The worker's own build, its path compiled in by the project file.</summary>
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
        var environment = new Dictionary<string, string>(settings)
        {
            ["ConnectionStrings__kennwilliamson"] = await database.ConnectionStringExpression.GetValueAsync(ct)
                ?? throw new InvalidOperationException($"{database.Name} has no connection string yet."),
        };
        foreach (var (variable, secret) in secrets)
        {
            environment[variable] = await secret.GetValueAsync(ct) ?? "";
        }

        var report = new StringBuilder();
        var log = new Queue<string>(); // the last lines, for a failure without a reason
        var reason = "";
        var options = new ProcessOptions
        {
            // A DATABASE_URL left in the AppHost's environment must never reach the worker and redirect a reset.
            Unset = ["DATABASE_URL"],
            StopGrace = Grace,
            OnKill = () => logger.LogWarning("The migration worker did not stop within {Grace} s of SIGTERM: killing it", Grace.TotalSeconds),
            OnOutput = line =>
            {
                lock (report)
                {
                    report.AppendLine(line);
                }
                logger.LogInformation("{Line}", line);
            },
            OnError = line =>
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
            },
        };
        logger.LogInformation("Running the migration worker: {Arguments}", string.Join(' ', args));
        ProcessResult result;
        try
        {
            result = await ChildProcess.RunAsync("dotnet", [WorkerPath, .. args], timeoutAfter, environment, options: options, cancellationToken: ct);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("{Verb} did not finish within {Limit} and was stopped", verb, Describe(timeoutAfter));
            return CommandResults.Failure($"The migration worker's {verb} did not finish within {Describe(timeoutAfter)} and was stopped.",
                report.ToString(), CommandResultFormat.Text);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return CommandResults.Failure($"Could not start the migration worker with dotnet: {ex.Message} (the .NET SDK's dotnet must be on PATH).");
        }

        var text = report.ToString();
        if (result.ExitCode == 0)
        {
            var summary = text.Split('\n').LastOrDefault(l => l.Contains(" done", StringComparison.Ordinal))?.Trim() ?? $"{verb} succeeded";
            return CommandResults.Success(summary, text, CommandResultFormat.Text);
        }
        if (reason.Length == 0)
        {
            reason = $"the migration worker's {verb} exited with code {result.ExitCode.ToString(CultureInfo.InvariantCulture)}";
            text += "--- the worker's log (last lines) ---\n" + string.Join('\n', log);
        }
        logger.LogWarning("{Verb} failed: {Reason}", verb, reason);
        return CommandResults.Failure(reason, text, CommandResultFormat.Text);
    }

    internal static TimeSpan? ParseTimeout(string? text) => text switch
    {
        null or "" => TimeSpan.FromSeconds(DefaultTimeoutSeconds),
        _ when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 86_400 => TimeSpan.FromSeconds(seconds),
        _ => null,
    };

    private static string Describe(TimeSpan limit) => limit.TotalSeconds % 60 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{limit.TotalMinutes} minute{(limit.TotalMinutes == 1 ? "" : "s")}")
        : string.Create(CultureInfo.InvariantCulture, $"{limit.TotalSeconds} seconds");
}
