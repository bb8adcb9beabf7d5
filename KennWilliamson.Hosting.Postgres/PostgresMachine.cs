using System.Globalization;

namespace KennWilliamson.Hosting.Postgres;

public static class PostgresMachine
{
    private const string DebianRoot = "/usr/lib/postgresql";

    /// <summary>The one bin-folder finder: <paramref name="configured"/> alone when set, else pg_config's, else the newest Debian one.</summary>
    public static string? FindBinDirectory(string? configured)
    {
        if (configured is not null)
        {
            return HasServerBinaries(configured) ? Path.GetFullPath(configured) : null;
        }
        if (Probe("pg_config", "--bindir") is { } fromPgConfig && HasServerBinaries(fromPgConfig))
        {
            return fromPgConfig;
        }
        return NewestDebianBin(HasServerBinaries);
    }

    /// <summary>Else the bare name, for PATH.</summary>
    public static string FindTool(string tool) =>
        NewestDebianBin(bin => File.Exists(Path.Combine(bin, tool))) is { } bin ? Path.Combine(bin, tool) : tool;

    /// <summary><c>info</c>, not the CLI alone: the engine must answer.</summary>
    public static bool ContainerRuntimeAnswers(string? runtime)
    {
        var candidates = runtime is not null ? [runtime] : new[] { "docker", "podman" };
        return candidates.Any(runtime => Probe(runtime, "info", "--format", "{{.ServerVersion}}") is not null);
    }

    private static bool HasServerBinaries(string dir) =>
        File.Exists(Path.Combine(dir, "postgres")) && File.Exists(Path.Combine(dir, "initdb"));

    private static string? NewestDebianBin(Func<string, bool> wanted) => !Directory.Exists(DebianRoot) ? null
        : Directory.GetDirectories(DebianRoot)
            .Select(dir => (Major: int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var v) ? v : -1, Bin: Path.Combine(dir, "bin")))
            .Where(x => x.Major > 0 && wanted(x.Bin))
            .OrderByDescending(x => x.Major)
            .Select(x => x.Bin)
            .FirstOrDefault();

    private static string? Probe(string fileName, params string[] args)
    {
        try
        {
            var result = ChildProcess.RunAsync(fileName, args, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            return result.ExitCode == 0 ? result.Output.Trim() : null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return null;
        }
    }
}
