using Microsoft.Extensions.DependencyInjection;

namespace KennWilliamson.Tests.Infrastructure;

/// <summary>
/// The API layer's application: the API in this process (<see cref="ApiFactory"/>) on a PostgreSQL server of
/// the test class's own (<see cref="TestDatabaseServer"/>), with the settings the AppHost would hand it. Each
/// test class that takes it as a class fixture is a collection of its own, so classes run in parallel.
/// </summary>
public class ApiFixture : IAsyncLifetime, ITestApp, IDisposable, IAsyncDisposable
{
    private readonly string _root = TestPaths.NewTempDirectory("api");
    private TestDatabaseServer? _database;
    private TestRedisServer? _limits;
    private ApiFactory? _factory;

    /// <summary>As <see cref="AppFixture.TimerWritesPerMinute"/>: above what one test's account writes.</summary>
    public const int TimerWritesPerMinute = AppFixture.TimerWritesPerMinute;

    public HttpClient Api { get; private set; } = null!;

    /// <summary>What the API has logged (Information and above), read as the dashboard's log would be.</summary>
    public CapturedLogs Logs { get; } = new();
    public TestDatabaseServer Database => _database ?? throw new InvalidOperationException("not started");
    public TestRedisServer Limits => _limits ?? throw new InvalidOperationException("not started");
    public ApiFactory Factory => _factory ?? throw new InvalidOperationException("not started");
    public string ServerConnectionString => Database.ServerConnectionString;
    public string OwnerConnectionString => Database.OwnerConnectionString;
    public string AppConnectionString => Database.AppConnectionString;
    public string AppDbPassword => Database.AppDbPassword;
    public string JwtSigningKey { get; } = AppHostFactory.Secret() + AppHostFactory.Secret();
    public string BackupKey { get; } = AppHostFactory.Secret();
    public string BackupDirectory => Path.Combine(_root, "backups");

    private IReadOnlyDictionary<string, string?> _ownSettings = new Dictionary<string, string?>();

    /// <summary>Settings beyond the defaults below (the tests' proxy, the lifted timer limit); null removes one.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => _ownSettings;

    /// <summary>An API of a test's own, with <paramref name="settings"/> on top of the defaults.</summary>
    public static async Task<ApiFixture> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var fixture = new ApiFixture { _ownSettings = settings };
        await fixture.InitializeAsync();
        return fixture;
    }

    public async Task InitializeAsync()
    {
        var limits = TestRedisServer.StartAsync();
        _database = await TestDatabaseServer.StartAsync();
        _limits = await limits;
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:kennwilliamson"] = _database.AppConnectionString,
            ["ConnectionStrings:limits"] = _limits.ConnectionString,
            ["Jwt:SigningKey"] = JwtSigningKey,
            // The tests are the API's reverse proxy: each request names its client in X-Forwarded-For.
            ["ForwardedHeaders:KnownProxies"] = AppHostFactory.TrustedTestProxies,
            // As the AppHost wires local mode: the storage monitor reports this server's disk.
            ["Monitoring:DataDirectory"] = _database.DataDirectory,
            ["RateLimiting:TimerWrites:PermitLimit"] = TimerWritesPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }
        _factory = new ApiFactory(settings, services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Logs));
        _factory.StartServer();
        Api = _factory.CreatePlainClient();
    }

    public Task<string> CreateScratchDatabaseAsync(string prefix) => Database.CreateScratchDatabaseAsync(prefix);

    // xUnit disposes fixtures through IAsyncLifetime; IDisposable is here for the analyzers' ownership rule.
    public void Dispose()
    {
        DisposeAsync().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        GC.SuppressFinalize(this);
    }

    public async Task DisposeAsync()
    {
        if (_factory is null && _database is null && _limits is null)
        {
            return;
        }
        Api?.Dispose();
        var (factory, database, limits) = (_factory, _database, _limits);
        (_factory, _database, _limits) = (null, null, null);
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }
        if (database is not null)
        {
            await database.DisposeAsync();
        }
        if (limits is not null)
        {
            await limits.DisposeAsync();
        }
        Directory.Delete(_root, recursive: true);
    }
}
