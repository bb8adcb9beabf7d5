using System.Diagnostics;

namespace KennWilliamson.Tests.Infrastructure;

/// <summary>The migration worker run by hand, as the README shows: its exit code and what it printed.</summary>
public sealed record WorkerResult(int ExitCode, string Output, string Error);

public static class WorkerProcess
{
    public static async Task<WorkerResult> RunAsync(string connectionString, string? appPassword, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(TestPaths.ProjectDll("KennWilliamson.MigrationService"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["ConnectionStrings__kennwilliamson"] = connectionString;
        start.Environment["AppDatabase__Password"] = appPassword ?? "";
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The worker ({string.Join(' ', args)}) did not exit within 2 minutes.");
        }
        return new WorkerResult(process.ExitCode, await output, await error);
    }
}
