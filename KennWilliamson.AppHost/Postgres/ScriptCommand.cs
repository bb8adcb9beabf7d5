using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace KennWilliamson.AppHost.Postgres;

/// <summary>
/// One dashboard command's run of a script in <c>scripts/</c>: its output streamed to the resource's log
/// and returned as the command's result, its last error line as the failure message, stopped after
/// <see cref="ScriptTimeout"/>.
/// </summary>
internal static class ScriptCommand
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs a script with the database's connection and the given secrets in its environment (never on its command line).</summary>
    public static async Task<ExecuteCommandResult> RunAsync(ExecuteCommandContext context, IResourceWithConnectionString database,
        Dictionary<string, ParameterResource> secrets, string script, string? backupDirectory, string[] args)
    {
        var ct = context.CancellationToken;
        var logger = context.Logger;
        var connectionString = await database.ConnectionStringExpression.GetValueAsync(ct)
            ?? throw new InvalidOperationException($"{database.Name} has no connection string yet.");

        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetDirectoryName(script))!,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DATABASE_URL"] = DatabaseCommands.ToDatabaseUrl(connectionString);
        foreach (var (variable, secret) in secrets)
        {
            start.Environment[variable] = await secret.GetValueAsync(ct) ?? "";
        }
        if (backupDirectory is not null)
        {
            start.Environment["BACKUP_DIR"] = backupDirectory;
        }

        var output = new StringBuilder();
        var lastError = "";
        var name = Path.GetFileName(script);
        logger.LogInformation("Running {Script} {Arguments}", name, string.Join(' ', args));
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
            process.StandardInput.Close();
            var stdout = PumpAsync(process.StandardOutput, line => logger.LogInformation("{Line}", line));
            var stderr = PumpAsync(process.StandardError, line =>
            {
                lastError = line;
                logger.LogWarning("{Line}", line);
            });
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ScriptTimeout);
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

            async Task PumpAsync(StreamReader reader, Action<string> onLine)
            {
                while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
                {
                    lock (output)
                    {
                        output.AppendLine(line);
                    }
                    onLine(line);
                }
            }

            var text = output.ToString();
            if (process.ExitCode == 0)
            {
                var summary = text.Split('\n').LastOrDefault(l => l.Contains(" done", StringComparison.Ordinal))?.Trim() ?? $"{name} succeeded";
                return CommandResults.Success(summary, text, CommandResultFormat.Text);
            }
            var reason = lastError.Length > 0 ? lastError : $"{name} exited with code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}";
            return CommandResults.Failure(reason, text, CommandResultFormat.Text);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return CommandResults.Failure($"{name} did not finish within {ScriptTimeout.TotalMinutes} minutes and was stopped.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return CommandResults.Failure($"Could not run {name}: {ex.Message} (the commands need bash and the PostgreSQL client tools).");
        }
    }
}
