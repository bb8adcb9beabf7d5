using System.Diagnostics;

namespace KennWilliamson.Tests.Infrastructure;

/// <summary>What a process the tests ran printed, and how it exited.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}

/// <summary>Runs a program to completion with a time limit (killed, with its children, past it).</summary>
public static class ChildProcess
{
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, string? stdin = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }
        process.StandardInput.Close(); // no answer to a prompt: end of input
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not exit within {timeout}.");
        }
        return new ProcessResult(process.ExitCode, await output, await error);
    }
}
