using System.Globalization;

namespace KennWilliamson.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster the tests run themselves, from the server binaries under test: initdb, start on a
/// loopback port, stop. As the <c>postgres</c> user when the tests run as root (PostgreSQL refuses root).
/// </summary>
public sealed class PostgresCluster(string binDirectory, string dataDirectory)
{
    private const string RunAs = "postgres";
    private static readonly bool AsPostgres = Environment.IsPrivilegedProcess;

    public string BinDirectory { get; } = binDirectory;
    public string DataDirectory { get; } = dataDirectory;

    /// <summary>A new cluster whose superuser <c>postgres</c> logs in with <paramref name="superuserPassword"/> (SCRAM).</summary>
    public static async Task<PostgresCluster> InitAsync(string binDirectory, string dataDirectory, string superuserPassword)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Test clusters are started the Unix way (setpriv, file modes).");
        }
        Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var passwordFile = Path.Combine(Path.GetDirectoryName(dataDirectory)!, $"pwfile-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(passwordFile, superuserPassword + "\n");
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            if (AsPostgres)
            {
                await RunAsync("chown", [$"{RunAs}:", dataDirectory, passwordFile]);
            }
            await RunAsync(Path.Combine(binDirectory, "initdb"), [$"--pgdata={dataDirectory}", "--username=postgres", $"--pwfile={passwordFile}",
                "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"], asPostgres: true);
        }
        finally
        {
            File.Delete(passwordFile);
        }
        return new PostgresCluster(binDirectory, dataDirectory);
    }

    /// <summary>A copy of a stopped cluster's data directory, owned as the original.</summary>
    public async Task<PostgresCluster> CopyToAsync(string dataDirectory)
    {
        await RunAsync("cp", ["-a", DataDirectory, dataDirectory]);
        return new PostgresCluster(BinDirectory, dataDirectory);
    }

    /// <summary>
    /// Starts the server on loopback <paramref name="port"/> with <paramref name="settings"/> (<c>name=value</c>),
    /// its socket file inside the data directory, and waits until it accepts connections.
    /// </summary>
    public Task StartAsync(int port, params string[] settings)
    {
        var options = string.Join(' ', new[] { string.Create(CultureInfo.InvariantCulture, $"-p {port}"), "-c listen_addresses=127.0.0.1", $"-k {DataDirectory}" }
            .Concat(settings.Select(s => $"-c {s}")));
        return RunAsync(Path.Combine(BinDirectory, "pg_ctl"),
            ["start", "-D", DataDirectory, "-w", "-t", "60", "-l", Path.Combine(DataDirectory, "server.log"), "-o", options], asPostgres: true);
    }

    /// <summary>Stops the server (fast shutdown: sessions are ended, nothing is lost) if it runs.</summary>
    public async Task StopAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30"], asPostgres: true);
        }
    }

    private static async Task RunAsync(string fileName, string[] args, bool asPostgres = false)
    {
        var command = ChildProcess.AsUser(asPostgres && AsPostgres ? RunAs : null, fileName, args);
        var result = await ChildProcess.RunAsync(command[0], command[1..], TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', args)} failed: {result}");
        }
    }
}
