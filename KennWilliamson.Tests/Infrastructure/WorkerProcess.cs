namespace KennWilliamson.Tests.Infrastructure;

/// <summary>The migration worker run by hand, as the README shows: its exit code and what it printed.</summary>
public static class WorkerProcess
{
    public static Task<ProcessResult> RunAsync(string connectionString, string? appPassword, params string[] args) =>
        ChildProcess.RunAsync("dotnet", [TestPaths.ProjectDll("KennWilliamson.MigrationService"), .. args], TimeSpan.FromMinutes(2),
            new Dictionary<string, string>
            {
                ["ConnectionStrings__kennwilliamson"] = connectionString,
                ["AppDatabase__Password"] = appPassword ?? "",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
            });
}
