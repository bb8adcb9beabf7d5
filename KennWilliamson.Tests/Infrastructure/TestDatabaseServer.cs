using System.Collections.Concurrent;
using Npgsql;

namespace KennWilliamson.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of a test collection's own with the application's database already migrated: a copy
/// of a template cluster made once per test run (initdb, the database, the migration worker's <c>run</c>), so
/// a collection pays for a file copy and a server start, not for initdb and every migration.
/// </summary>
public sealed class TestDatabaseServer : IAsyncDisposable
{
    public const string Database = "kennwilliamson";
    public const string AppRole = "kennwilliamson_app";

    // The server's settings in every mode of the AppHost (pg_stat_statements preloaded), plus durability off:
    // a test server's data is thrown away, and the tests check SQL semantics, not crash safety.
    private static readonly string[] Settings =
    [
        "shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track=all",
        "fsync=off", "synchronous_commit=off", "full_page_writes=off",
    ];

    private static readonly ConcurrentDictionary<string, Lazy<Task<Template>>> Templates = new(StringComparer.Ordinal);
    private readonly string _root;
    private readonly PostgresCluster _cluster;
    private readonly Template _template;

    private TestDatabaseServer(string root, PostgresCluster cluster, Template template, int port)
    {
        _root = root;
        _cluster = cluster;
        _template = template;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The cluster's data directory (what the AppHost's local mode hands the API as Monitoring:DataDirectory).</summary>
    public string DataDirectory => _cluster.DataDirectory;
    public string SuperuserPassword => _template.SuperuserPassword;
    public string AppDbPassword => _template.AppDbPassword;

    /// <summary>The server as its superuser (database postgres), as the AppHost's <c>postgres</c> resource.</summary>
    public string ServerConnectionString => Connection("postgres", SuperuserPassword, "postgres");

    /// <summary>The application's database as the superuser that owns it (the worker's connection).</summary>
    public string OwnerConnectionString => Connection("postgres", SuperuserPassword, Database);

    /// <summary>The application's database as the API's least-privilege role.</summary>
    public string AppConnectionString => Connection(AppRole, AppDbPassword, Database);

    public string Connection(string user, string password, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = database,
        Username = user,
        Password = password,
    }.ConnectionString;

    /// <summary>A new server with the migrated database, from the binaries the run is on (Postgres__BinDirectory).</summary>
    public static async Task<TestDatabaseServer> StartAsync(string? binDirectory = null)
    {
        var bin = binDirectory ?? TestPostgres.BinDirectory;
        var template = await Templates.GetOrAdd(bin, b => new Lazy<Task<Template>>(() => Template.CreateAsync(b))).Value;
        var root = TestPaths.NewTempDirectory("db");
        var cluster = await template.Cluster.CopyToAsync(Path.Combine(root, "data"));
        // The port is free when picked; another process may take it before the server binds it: try again.
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPort.Free();
            try
            {
                await cluster.StartAsync(port, Settings);
                return new TestDatabaseServer(root, cluster, template, port);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>A new, empty database on this server, for tests that change the schema or run the worker's verbs.</summary>
    public async Task<string> CreateScratchDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return Connection("postgres", SuperuserPassword, name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _cluster.StopAsync();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>One stopped cluster per server build and test run: the database migrated and the API's role set up.</summary>
    private sealed record Template(PostgresCluster Cluster, string SuperuserPassword, string AppDbPassword)
    {
        public static async Task<Template> CreateAsync(string bin)
        {
            var root = TestPaths.NewTempDirectory("template");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(root);
            var superuserPassword = AppHostFactory.Secret();
            var template = new Template(await PostgresCluster.InitAsync(bin, Path.Combine(root, "data"), superuserPassword),
                superuserPassword, AppHostFactory.Secret());
            var port = LoopbackPort.Free();
            await template.Cluster.StartAsync(port, Settings);
            try
            {
                var server = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Password = template.SuperuserPassword };
                await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString))
                {
                    await connection.OpenAsync().WaitAsync(TimeSpan.FromSeconds(30));
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
                    await create.ExecuteNonQueryAsync().WaitAsync(TimeSpan.FromSeconds(30));
                }
                var worker = await WorkerProcess.RunAsync(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = Database }.ConnectionString,
                    template.AppDbPassword, "run");
                if (worker.ExitCode != 0)
                {
                    throw new InvalidOperationException($"The migration worker could not prepare the template database: {worker}");
                }
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                await template.Cluster.StopAsync();
            }
            return template;
        }

        private static void DeleteQuietly(string path)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
