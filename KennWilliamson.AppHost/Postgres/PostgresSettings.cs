using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace KennWilliamson.AppHost.Postgres;

public enum PostgresMode
{
    Auto,
    Container,
    Local,
    /// <summary>A server run elsewhere (a managed service): only its connection string is modelled.</summary>
    External,
}

/// <summary>
/// The <c>Postgres</c> section of the AppHost's configuration, and the choice of mode it leads to.
/// <c>auto</c> takes a container when a container runtime answers, else the machine's server binaries,
/// else stops with <see cref="NoPostgresMessage"/>. <c>external</c> runs no server at all: the database is the
/// connection string <c>ConnectionStrings:kennwilliamson</c>.
/// </summary>
public sealed record PostgresSettings(PostgresMode Mode, int Port, string DataDirectory, string? BinDirectory, string? ContainerRuntime)
{
    public const string NoPostgresMessage =
        "No way to run PostgreSQL was found. Either install and start a container engine (Docker or Podman) " +
        "so `docker info` answers, or install the PostgreSQL server package (e.g. `sudo apt-get install postgresql`) " +
        "or point Postgres:BinDirectory at its bin folder. Then run the AppHost again; Postgres:Mode=container|local forces one.";

    public static PostgresSettings From(IConfiguration configuration, string appHostDirectory)
    {
        var section = configuration.GetSection("Postgres");
        var modeText = section["Mode"] is { Length: > 0 } m ? m : "auto";
        if (!Enum.TryParse<PostgresMode>(modeText, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
        {
            throw new PostgresSetupException($"Postgres:Mode is '{modeText}'; use auto, container, local or external.");
        }

        var portText = section["Port"] is { Length: > 0 } p ? p : "5432";
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new PostgresSetupException($"Postgres:Port is '{portText}'; use a TCP port, or 0 for a free one.");
        }

        var dataDirectory = section["DataDirectory"] is { Length: > 0 } d ? d : "../.data/postgres";
        return new PostgresSettings(mode, port,
            Path.GetFullPath(Path.Combine(appHostDirectory, dataDirectory)),
            section["BinDirectory"] is { Length: > 0 } b ? b : null,
            section["ContainerRuntime"] is { Length: > 0 } r ? r : configuration["ASPIRE_CONTAINER_RUNTIME"]);
    }

    /// <summary>The mode to run in: the configured one, or for <c>auto</c> what this machine can do.</summary>
    public PostgresMode Resolve(Func<string?> findBinDirectory, Func<bool> containerRuntimeAnswers) => Mode switch
    {
        PostgresMode.Auto when containerRuntimeAnswers() => PostgresMode.Container,
        PostgresMode.Auto when findBinDirectory() is not null => PostgresMode.Local,
        PostgresMode.Auto => throw new PostgresSetupException(NoPostgresMessage),
        _ => Mode,
    };

    /// <summary>
    /// The folder holding <c>postgres</c> and <c>initdb</c>: <c>Postgres:BinDirectory</c> when set (and
    /// nothing else then), else what <c>pg_config --bindir</c> says, else the newest
    /// <c>/usr/lib/postgresql/*/bin</c>.
    /// </summary>
    public string? FindBinDirectory()
    {
        if (BinDirectory is not null)
        {
            return HasServerBinaries(BinDirectory) ? Path.GetFullPath(BinDirectory) : null;
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

    /// <summary>True when <c>RUNTIME info</c> exits 0 within 10 s: the engine, not only its CLI, is there.</summary>
    public bool ContainerRuntimeAnswers()
    {
        var candidates = ContainerRuntime is not null ? [ContainerRuntime] : new[] { "docker", "podman" };
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

/// <summary>A setup problem the user can fix; the AppHost prints its message alone and exits non-zero.</summary>
public sealed class PostgresSetupException(string message) : Exception(message);
