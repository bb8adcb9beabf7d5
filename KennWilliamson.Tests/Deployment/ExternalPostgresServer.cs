using System.Globalization;
using KennWilliamson.Tests.Infrastructure;
using Npgsql;

namespace KennWilliamson.Tests.Deployment;

/// <summary>
/// A PostgreSQL server the test runs itself, outside the AppHost, standing in for a managed service:
/// a fresh cluster on a free loopback port (as the <c>postgres</c> user when the tests run as root, like
/// postgres/local/init.sh), a database owned by a login role that may create roles but is not a superuser
/// (as managed services hand out), and no pg_uuidv7.
/// </summary>
public sealed class ExternalPostgresServer : IAsyncDisposable
{
    private const string RunAs = "postgres";
    private readonly string _root = TestPaths.NewTempDirectory("external");
    private readonly string _bin;
    private readonly bool _asPostgres = Environment.IsPrivilegedProcess;

    private ExternalPostgresServer(string bin) => _bin = bin;

    private string DataDirectory => Path.Combine(_root, "data");

    public int Port { get; } = LoopbackPort.Free();

    public string SuperuserPassword { get; } = AppHostFactory.Secret();

    public string OwnerPassword { get; } = AppHostFactory.Secret();

    /// <summary>The connection string a deployment would hold: the database owner, not a superuser.</summary>
    public string OwnerConnectionString => Connection("kennwilliamson_owner", OwnerPassword, "kennwilliamson");

    public string Connection(string user, string password, string database) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username={user};Password={password}";

    /// <summary>Starts one from <paramref name="binDirectory"/>, else from the server the tests run on.</summary>
    public static async Task<ExternalPostgresServer> StartAsync(string? binDirectory = null)
    {
        var server = new ExternalPostgresServer(binDirectory ?? TestPostgres.BinDirectory);
        await server.InitAndStartAsync();
        return server;
    }

    private async Task InitAndStartAsync()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The external server is started the Unix way (setpriv, file modes).");
        }
        Directory.CreateDirectory(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var passwordFile = Path.Combine(_root, "pwfile");
        await File.WriteAllTextAsync(passwordFile, SuperuserPassword + "\n");
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (_asPostgres)
        {
            await RunAsync("chown", [$"{RunAs}:", DataDirectory, passwordFile]);
        }

        await RunAsync(Path.Combine(_bin, "initdb"), [$"--pgdata={DataDirectory}", "--username=postgres", $"--pwfile={passwordFile}",
            "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"], asPostgres: true);
        File.Delete(passwordFile);
        // TCP on loopback only; the socket file stays in the data directory, out of shared folders.
        var options = string.Create(CultureInfo.InvariantCulture, $"-p {Port} -c listen_addresses=127.0.0.1 -k {DataDirectory}");
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["start", "-D", DataDirectory, "-w", "-t", "60", "-l", Path.Combine(DataDirectory, "server.log"), "-o", options], asPostgres: true);

        // What a managed service provides: an owner with CREATEROLE (the worker creates the API's role), no superuser.
        await using var connection = new NpgsqlConnection(Connection("postgres", SuperuserPassword, "postgres"));
        await connection.OpenAsync().WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var sql in new[]
                 {
                     $"CREATE ROLE kennwilliamson_owner LOGIN CREATEROLE PASSWORD '{OwnerPassword}'",
                     "CREATE DATABASE kennwilliamson OWNER kennwilliamson_owner",
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Stops the server (fast shutdown), as an outage or a server that is not up yet.</summary>
    public Task StopAsync() =>
        RunAsync(Path.Combine(_bin, "pg_ctl"), ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30"], asPostgres: true);

    /// <summary>Starts the stopped server again, on the same port.</summary>
    public Task StartAgainAsync() => RunAsync(Path.Combine(_bin, "pg_ctl"),
        ["start", "-D", DataDirectory, "-w", "-t", "60", "-l", Path.Combine(DataDirectory, "server.log"), "-o",
            string.Create(CultureInfo.InvariantCulture, $"-p {Port} -c listen_addresses=127.0.0.1 -k {DataDirectory}")], asPostgres: true);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30"], asPostgres: true);
        }
        Directory.Delete(_root, recursive: true);
    }

    private async Task RunAsync(string fileName, string[] args, bool asPostgres = false)
    {
        var command = ChildProcess.AsUser(asPostgres && _asPostgres ? RunAs : null, fileName, args);
        var result = await ChildProcess.RunAsync(command[0], command[1..], TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', args)} failed: {result}");
        }
    }
}
