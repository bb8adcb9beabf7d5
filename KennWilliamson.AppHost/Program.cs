using KennWilliamson.AppHost;
using KennWilliamson.AppHost.Postgres;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// Secrets: generated once, kept in this project's user secrets; Parameters__<name> overrides them.
// (postgres-password comes with the server, which external mode does not have.)
var appDbPassword = builder.AddSecret("app-db-password");
// 64 letters and digits: about 380 bits, above the 256 the API insists on for HS256.
var jwtSigningKey = builder.AddSecret("jwt-signing-key", length: 64);

PostgresDatabase postgres;
try
{
    // postgres (server) and kennwilliamson (database): a container, the machine's own binaries,
    // or (external) only the database's connection string.
    postgres = builder.AddKennWilliamsonPostgres();
}
catch (PostgresSetupException ex)
{
    Console.Error.WriteLine($"KennWilliamson.AppHost: {ex.Message}");
    return 1;
}

// Dashboard commands on the database: reset (with or without seed data) and back up, via scripts/.
postgres.Database.WithDatabaseCommands(appDbPassword);

// The worker applies migrations as the owner, sets up the API's role, and exits.
var migrations = builder.AddProject<Projects.KennWilliamson_MigrationService>("migrations")
    .WithReference(postgres.Database)
    .WaitFor(postgres.Database)
    .WithEnvironment("AppDatabase__Password", appDbPassword)
    // The first admin: an email from the AppHost's configuration (Admin:Email), granted by the worker.
    .WithEnvironment("Admin__Email", builder.Configuration["Admin:Email"] ?? "");

// The API connects as the least-privilege role, and starts only after the worker exits 0.
var api = builder.AddProject<Projects.KennWilliamson_Api>("api")
    .WithDatabaseRole(postgres, "kennwilliamson_app", appDbPassword)
    .WithEnvironment("Jwt__SigningKey", jwtSigningKey)
    .WaitForCompletion(migrations)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints()
    // The interactive API reference (Development), one click from the dashboard.
    .WithUrlForEndpoint("http", _ => new() { Url = "/scalar", DisplayText = "API reference (Scalar)" });

// Passthroughs for load tests (benchmarks/): the credential endpoints' rate limit (the API's own default,
// 10 a minute per address, applies when unset), and the API's port in run mode (else the launch profile's 8080).
if (builder.Configuration["RateLimiting:Auth:PermitLimit"] is { Length: > 0 } permitLimit)
{
    api.WithEnvironment("RateLimiting__Auth__PermitLimit", permitLimit);
}
// The per-account timer write limit (the API's default, 60 a minute, applies when unset).
if (builder.Configuration["RateLimiting:TimerWrites:PermitLimit"] is { Length: > 0 } timerWrites)
{
    api.WithEnvironment("RateLimiting__TimerWrites__PermitLimit", timerWrites);
}
if (builder.Configuration.GetValue<int?>("Api:HttpPort") is { } apiPort)
{
    api.WithEndpoint("http", e => e.Port = apiPort);
}

await builder.Build().RunAsync();
return 0;
