using KennWilliamson.AppHost;
using KennWilliamson.Hosting.Postgres;

var builder = DistributedApplication.CreateBuilder(args);

// Secrets: generated once into this project's user secrets; Parameters__<name> overrides them.
var appDbPassword = builder.AddSecret("app-db-password");
// 64 letters and digits: above the 256 bits the API insists on for HS256.
var jwtSigningKey = builder.AddSecret("jwt-signing-key", length: 64);
// Encrypts the backups: lose it and they are unreadable.
var backupKey = builder.AddSecret("backup-key", length: 64);
builder.RestrictUserSecretsFile();

PostgresDatabase postgres;
IResourceBuilder<IResourceWithConnectionString> limits;
int? apiPort;
int replicas;
try
{
    var repository = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
    postgres = builder.AddPostgresFromSettings(new PostgresModelOptions("kennwilliamson",
        DockerfileDirectory: Path.Combine(repository, "postgres"), ImageName: "kennwilliamson/postgres", Major: "17",
        InitScript: Path.Combine(repository, "postgres", "local", "init.sh"))
    {
        PublishedVolumeName = "kennwilliamson-postgres-data",
    });
    limits = builder.AddLimitStore(postgres);
    apiPort = ApiResourceExtensions.ConfiguredHttpPort(builder.Configuration);
    replicas = ApiResourceExtensions.ConfiguredReplicas(builder.Configuration);
}
catch (SetupException ex)
{
    Console.Error.WriteLine($"KennWilliamson.AppHost: {ex.Message}");
    return 1;
}

postgres.Database.WithDatabaseCommands(appDbPassword, backupKey);

// The worker applies migrations as the owner, sets up the API's role, and exits.
var migrations = builder.AddProject<Projects.KennWilliamson_MigrationService>("migrations")
    .WithReference(postgres.Database)
    .WaitFor(postgres.Database)
    .WithEnvironment("AppDatabase__Password", appDbPassword)
    .WithPlainHttp();

// The API connects as the least-privilege role, once the worker has exited 0.
builder.AddProject<Projects.KennWilliamson_Api>("api")
    .WithDatabaseRole(postgres, "kennwilliamson_app", appDbPassword)
    .WithPlainHttp()
    .WithEnvironment("Jwt__SigningKey", jwtSigningKey)
    .WithReference(limits)
    .WaitFor(limits)
    .WaitForCompletion(migrations)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints()
    // Aspire's default trusts X-Forwarded-For from any peer; the API trusts only its configured proxies.
    .DisableForwardedHeaders()
    .WithUrlForEndpoint("http", _ => new() { Url = "/scalar", DisplayText = "API reference (Scalar)" })
    .WithParameterSettings()
    .WithReplicaCount(replicas)
    .WithDataDirectoryOf(postgres)
    .WithHttpPort(apiPort, replicas);

await builder.Build().RunAsync();
return 0;
