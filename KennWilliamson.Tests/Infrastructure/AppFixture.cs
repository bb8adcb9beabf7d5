using Npgsql;

namespace KennWilliamson.Tests.Infrastructure;

/// <summary>
/// One running AppHost (local mode, fresh data directory) shared by a test collection: PostgreSQL,
/// the database, the finished migration worker and a healthy API.
/// </summary>
public sealed class AppFixture : IAsyncLifetime, ITestApp
{
    private readonly string _dataRoot = TestPaths.NewTempDirectory("app");

    public DistributedApplication App { get; private set; } = null!;
    public HttpClient Api { get; private set; } = null!;
    public string ServerConnectionString { get; private set; } = "";
    public string OwnerConnectionString { get; private set; } = "";
    public string AppConnectionString { get; private set; } = "";
    public string AppDbPassword { get; } = AppHostFactory.Secret();
    public string JwtSigningKey { get; } = AppHostFactory.Secret() + AppHostFactory.Secret();
    public string BackupKey { get; } = AppHostFactory.Secret();

    /// <summary>
    /// The per-account timer write limit of the shared API: above what any test's one account writes
    /// (HostileInputTests sends a few hundred probes with one token), low enough for TimerWriteLimitTests to reach.
    /// </summary>
    public const int TimerWritesPerMinute = 1000;

    /// <summary>Where the dashboard's "Back up now" writes (Backups:Directory), inside the fixture's temp folder.</summary>
    public string BackupDirectory => Path.Combine(_dataRoot, "backups");

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(AppHostFactory.StartTimeout);
        var builder = await AppHostFactory.CreateLocalAsync(Path.Combine(_dataRoot, "data"),
            $"--Parameters:app-db-password={AppDbPassword}", $"--Parameters:jwt-signing-key={JwtSigningKey}", $"--Parameters:backup-key={BackupKey}",
            $"--Backups:Directory={BackupDirectory}", $"{AppHostFactory.TimerWriteLimitArg}={TimerWritesPerMinute}");
        App = await builder.BuildAsync(cts.Token).WaitAsync(cts.Token);
        await App.StartAsync(cts.Token).WaitAsync(cts.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token).WaitAsync(cts.Token);

        Api = App.CreateHttpClient("api", "http");
        Api.Timeout = TimeSpan.FromSeconds(30);
        ServerConnectionString = await App.GetConnectionStringAsync("postgres", cts.Token) ?? throw new InvalidOperationException("no server connection string");
        OwnerConnectionString = await App.GetConnectionStringAsync("kennwilliamson", cts.Token) ?? throw new InvalidOperationException("no database connection string");
        AppConnectionString = new NpgsqlConnectionStringBuilder(OwnerConnectionString)
        {
            Username = "kennwilliamson_app",
            Password = AppDbPassword,
        }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (App is not null)
        {
            await App.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
            await App.DisposeAsync();
        }
        NpgsqlConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (IOException)
        {
            // A server still shutting down may hold a file; the folder is in /tmp.
        }
    }

    /// <summary>A new, empty database on the same server, for tests that change the schema.</summary>
    public async Task<string> CreateScratchDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using var connection = await Connections.OpenAsync(ServerConnectionString);
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }
}

/// <summary>AppHost tests sharing one application: one at a time, after the parallel Api layer.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedApp : ICollectionFixture<AppFixture>
{
    public const string Name = "Running application";
}
