using System.Globalization;

namespace KennWilliamson.Tests.Infrastructure;

/// <summary>
/// A <c>redis-server</c> of a test's own for the limits the API's replicas share, set up as the AppHost's local mode
/// sets it up: loopback only, a password from an owner-only config file, nothing kept on disk.
/// </summary>
public sealed class TestRedisServer : IAsyncDisposable
{
    private readonly string _root;
    private readonly ChildProcess _process;

    private TestRedisServer(string root, ChildProcess process, int port, string password)
    {
        _root = root;
        _process = process;
        Port = port;
        Password = password;
    }

    public int Port { get; }
    public string Password { get; }

    /// <summary>As the AppHost hands it to the API (<c>ConnectionStrings:limits</c>).</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port},password={Password}");

    public static async Task<TestRedisServer> StartAsync()
    {
        var root = TestPaths.NewTempDirectory("redis");
        var password = AppHostFactory.Secret();
        var config = Path.Combine(root, "redis.conf");
        await File.WriteAllTextAsync(config, $"requirepass {password}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        // The port is free when picked; another process may take it first: try again.
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPort.Free();
            var process = ChildProcess.Start("redis-server",
                [config, "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", root]);
            if (await AnswersAsync(port, process))
            {
                return new TestRedisServer(root, process, port, password);
            }
            await process.DisposeAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"redis-server did not start on a free port in {attempt} tries (is it installed? apt-get install redis-server)");
            }
        }
    }

    /// <summary>Until the port accepts a connection, or the server has exited.</summary>
    private static async Task<bool> AnswersAsync(int port, ChildProcess process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!process.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(20);
            }
        }
        return false;
    }

    /// <summary>Kills the server, as an outage would; disposing afterwards still cleans up.</summary>
    public Task StopAsync() => _process.StopAsync(TimeSpan.Zero);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
