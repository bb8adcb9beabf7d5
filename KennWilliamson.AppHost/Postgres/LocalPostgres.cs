using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace KennWilliamson.AppHost.Postgres;

/// <summary>
/// Local mode: the machine's PostgreSQL binaries as executables. <c>postgres-init</c> runs
/// <c>postgres/local/init.sh</c> once (initdb on a new data directory, nothing on an existing one);
/// the server waits for it, listens on loopback only, preloads pg_stat_statements, and runs as the
/// <c>postgres</c> user when the AppHost runs as root (PostgreSQL refuses root).
/// </summary>
internal static class LocalPostgres
{
    private const string RunAsUser = "postgres";

    public static PostgresDatabase Add(IDistributedApplicationBuilder builder, PostgresSettings settings,
        string binDirectory, IResourceBuilder<ParameterResource> password, string databaseName)
    {
        var repoRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        var runAs = Environment.IsPrivilegedProcess ? RunAsUser : null;
        var port = settings.Port == 0 ? FreeLoopbackPort() : settings.Port;

        var init = builder.AddExecutable("postgres-init", "bash", repoRoot, Path.Combine(repoRoot, "postgres", "local", "init.sh"))
            .WithEnvironment("PG_BIN", binDirectory)
            .WithEnvironment("PGDATA", settings.DataDirectory)
            .WithEnvironment("PG_RUN_AS", runAs ?? "")
            .WithEnvironment("POSTGRES_PASSWORD", password);

        var postgresBinary = Path.Combine(binDirectory, "postgres");
        var server = builder.AddResource(new LocalPostgresServerResource("postgres",
                runAs is null ? postgresBinary : "setpriv", repoRoot, password.Resource))
            .WithArgs(runAs is null ? [] : [$"--reuid={runAs}", $"--regid={runAs}", "--init-groups", "--", postgresBinary])
            .WithArgs(
                "-D", settings.DataDirectory,
                "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-c", "listen_addresses=localhost",
                // TCP only: no socket file in a shared folder such as /var/run/postgresql.
                "-c", "unix_socket_directories=",
                "-c", "shared_preload_libraries=pg_stat_statements",
                "-c", "pg_stat_statements.track=all")
            .WithEndpoint(LocalPostgresServerResource.EndpointName, e =>
            {
                e.Port = port;
                e.TargetPort = port;
                e.IsProxied = false;
                e.UriScheme = "tcp";
                e.Transport = "tcp";
            })
            .WaitForCompletion(init)
            .WithIconName("Database");
        init.WithParentRelationship(server);

        var database = builder.AddResource(new LocalPostgresDatabaseResource(databaseName, databaseName, server.Resource))
            .WithIconName("DatabaseStack")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new("postgres.database", databaseName)],
            });

        AddHealthChecksAndCreateDatabase(builder, server, database);
        builder.Services.AddHostedService(sp => new LocalPostgresShutdown(binDirectory, settings.DataDirectory, runAs,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<LocalPostgresShutdown>>()));
        return new PostgresDatabase(database, server.Resource.PrimaryEndpoint) { DataDirectory = settings.DataDirectory };
    }

    private static void AddHealthChecksAndCreateDatabase(IDistributedApplicationBuilder builder,
        IResourceBuilder<LocalPostgresServerResource> server, IResourceBuilder<LocalPostgresDatabaseResource> database)
    {
        string? serverConnection = null;
        string? databaseConnection = null;
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server.Resource, async (_, ct) =>
        {
            serverConnection = await server.Resource.ConnectionStringExpression.GetValueAsync(ct);
            databaseConnection = await database.Resource.ConnectionStringExpression.GetValueAsync(ct);
        });

        // The checks really connect (and run SELECT 1), so "healthy" means PostgreSQL accepts logins.
        var serverCheck = $"{server.Resource.Name}_check";
        var databaseCheck = $"{database.Resource.Name}_check";
        builder.Services.AddHealthChecks()
            .AddNpgSql(_ => serverConnection ?? throw new InvalidOperationException("PostgreSQL has not started yet."), name: serverCheck)
            .AddNpgSql(_ => databaseConnection ?? throw new InvalidOperationException("PostgreSQL has not started yet."), name: databaseCheck);
        server.WithHealthCheck(serverCheck);
        database.WithHealthCheck(databaseCheck);

        builder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (e, ct) =>
        {
            await CreateDatabaseIfMissingAsync(serverConnection!, database.Resource.DatabaseName, ct);
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            await notifications.PublishUpdateAsync(database.Resource, s => s with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        });
    }

    private static async Task CreateDatabaseIfMissingAsync(string connectionString, string databaseName, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
        {
            Parameters = { new() { Value = databaseName } },
        };
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            var quoted = new NpgsqlCommandBuilder().QuoteIdentifier(databaseName);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
