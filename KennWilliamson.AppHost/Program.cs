using KennWilliamson.AppHost;
using KennWilliamson.Hosting.Postgres;

var builder = DistributedApplication.CreateBuilder(args);

// Secrets: generated once, kept in this project's user secrets; Parameters__<name> overrides them.
// (postgres-password comes with the server, which external mode does not have.)
var appDbPassword = builder.AddSecret("app-db-password");
// 64 letters and digits: about 380 bits, above the 256 the API insists on for HS256.
var jwtSigningKey = builder.AddSecret("jwt-signing-key", length: 64);
// The passphrase backups are encrypted with (the worker's backup verb); lose it and the backups are unreadable.
var backupKey = builder.AddSecret("backup-key", length: 64);
// Generated secrets land in the user-secrets file: readable by its owner only.
builder.RestrictUserSecretsFile();

PostgresDatabase postgres;
int? apiPort;
try
{
    // postgres (server) and kennwilliamson (database): a container, the machine's own binaries,
    // or (external) only the database's connection string.
    var repository = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
    postgres = builder.AddPostgresFromSettings(new PostgresModelOptions("kennwilliamson",
        DockerfileDirectory: Path.Combine(repository, "postgres"), ImageName: "kennwilliamson/postgres", Major: "17",
        InitScript: Path.Combine(repository, "postgres", "local", "init.sh"))
    {
        PublishedVolumeName = "kennwilliamson-postgres-data",
    });
    apiPort = ApiResourceExtensions.ConfiguredHttpPort(builder.Configuration);
}
catch (SetupException ex)
{
    Console.Error.WriteLine($"KennWilliamson.AppHost: {ex.Message}");
    return 1;
}

// Dashboard commands on the database: reset (with or without seed data), back up, rehearse, grant admin: worker verbs.
postgres.Database.WithDatabaseCommands(appDbPassword, backupKey);

// The worker applies migrations as the owner, sets up the API's role, and exits.
var migrations = builder.AddProject<Projects.KennWilliamson_MigrationService>("migrations")
    .WithReference(postgres.Database)
    .WaitFor(postgres.Database)
    .WithEnvironment("AppDatabase__Password", appDbPassword);

// The API connects as the least-privilege role, and starts only after the worker exits 0.
builder.AddProject<Projects.KennWilliamson_Api>("api")
    .WithDatabaseRole(postgres, "kennwilliamson_app", appDbPassword)
    .WithEnvironment("Jwt__SigningKey", jwtSigningKey)
    .WaitForCompletion(migrations)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints()
    // Aspire would publish ASPNETCORE_FORWARDEDHEADERS_ENABLED=true, which trusts X-Forwarded-For from any
    // peer; the API trusts only the proxies named in ForwardedHeaders:KnownProxies/KnownNetworks instead.
    .DisableForwardedHeaders()
    // The interactive API reference (Development), one click from the dashboard.
    .WithUrlForEndpoint("http", _ => new() { Url = "/scalar", DisplayText = "API reference (Scalar)" })
    // Handed on when the AppHost is given them (unset, the API's own defaults apply): the share of traces kept
    // (docs/benchmarks.md), the storage monitor's low-space limit and interval, rate limits (load tests; the
    // per-account timer write limit is 60 a minute by default), the access-token lifetime (the original web
    // client never refreshes; README), and the reverse proxies whose X-Forwarded-For is believed (docs/deploy.md).
    .WithSettingsFrom(builder.Configuration, "Telemetry:TraceSampleRatio", "Telemetry:MaxTracesPerSecond", "Monitoring:LowFreeSpaceRatio", "Monitoring:StorageIntervalSeconds",
        "RateLimiting:Auth:PermitLimit", "RateLimiting:FailedLogins:PermitLimit", "RateLimiting:FailedLogins:MaxTrackedEmails", "RateLimiting:TimerWrites:PermitLimit",
        "RefreshTokens:PurgeAfter", "RefreshTokens:PurgeInterval", "Jwt:AccessTokenLifetime",
        "ForwardedHeaders:KnownProxies", "ForwardedHeaders:KnownNetworks")
    .WithDataDirectoryOf(postgres)
    .WithDirectHttpPort(apiPort);

await builder.Build().RunAsync();
return 0;
