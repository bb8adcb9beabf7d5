using System.Diagnostics;
using System.Globalization;

namespace KennWilliamson.AppHost.Postgres;

/// <summary>What this machine offers for running PostgreSQL: server binaries, a container engine that answers.</summary>
public static class PostgresMachine
{
    /// <summary>
    /// The folder holding <c>postgres</c> and <c>initdb</c>: <paramref name="configured"/> (<c>Postgres:BinDirectory</c>) when set (and
    /// nothing else then), else what <c>pg_config --bindir</c> says, else the newest
    /// <c>/usr/lib/postgresql/*/bin</c>.
    /// </summary>
    public static string? FindBinDirectory(string? configured)
    {
        if (configured is not null)
        {
            return HasServerBinaries(configured) ? Path.GetFullPath(configured) : null;
        }
        if (Run("pg_config", "--bindir") is { } fromPgConfig && HasServerBinaries(fromPgConfig))
        {
            return fromPgConfig;
        }
        const string debianRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(debianRoot))
        {
            return null;
        }
        return Directory.GetDirectories(debianRoot)
            .Select(dir => (Major: int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var v) ? v : -1, Bin: Path.Combine(dir, "bin")))
            .Where(x => x.Major > 0 && HasServerBinaries(x.Bin))
            .OrderByDescending(x => x.Major)
            .Select(x => x.Bin)
            .FirstOrDefault();
    }

    /// <summary>True when <c>RUNTIME info</c> (<paramref name="runtime"/>, else docker or podman) exits 0 within 10 s: the engine, not only its CLI, is there.</summary>
    public static bool ContainerRuntimeAnswers(string? runtime)
    {
        var candidates = runtime is not null ? [runtime] : new[] { "docker", "podman" };
        return candidates.Any(runtime => Run(runtime, "info", "--format", "{{.ServerVersion}}") is not null);
    }

    private static bool HasServerBinaries(string dir) =>
        File.Exists(Path.Combine(dir, "postgres")) && File.Exists(Path.Combine(dir, "initdb"));

    /// <summary>Runs a probe; its trimmed output on exit code 0, else null (also when it is missing or hangs).</summary>
    private static string? Run(string fileName, params string[] args)
    {
        var start = new ProcessStartInfo(fileName, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            return process.ExitCode == 0 ? output.GetAwaiter().GetResult().Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // not installed
        }
    }
}
