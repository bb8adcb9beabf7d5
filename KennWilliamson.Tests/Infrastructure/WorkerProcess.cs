namespace KennWilliamson.Tests.Infrastructure;

/// <summary>The migration worker run by hand, as the README shows: its exit code and what it printed.</summary>
public static class WorkerProcess
{
    /// <summary>As a developer runs it against a development database: in the Development environment, which --seed needs.</summary>
    public static Task<ProcessResult> RunAsync(string connectionString, string? appPassword, params string[] args) =>
        RunAsync(connectionString, appPassword, new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Development" }, args);

    /// <summary>With the environment variables given added (or replacing the defaults).</summary>
    public static Task<ProcessResult> RunAsync(string connectionString, string? appPassword, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var variables = new Dictionary<string, string>
        {
            ["ConnectionStrings__kennwilliamson"] = connectionString,
            ["AppDatabase__Password"] = appPassword ?? "",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
        };
        foreach (var (key, value) in environment)
        {
            variables[key] = value;
        }
        return ChildProcess.RunAsync("dotnet", [TestPaths.ProjectDll("KennWilliamson.MigrationService"), .. args], TimeSpan.FromMinutes(2), variables);
    }
}
