using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace KennWilliamson.Hosting.Postgres;

/// <summary>Port 0 takes a free one. The init script (bash) runs first, with PG_BIN, PGDATA, PG_RUN_AS and POSTGRES_PASSWORD.</summary>
public sealed record LocalPostgresOptions(string BinDirectory, string DataDirectory, int Port, string InitScript);

/// <summary>PostgreSQL from the machine's own binaries, for a machine without a container engine.</summary>
public static class LocalPostgresExtensions
{
    private const string RunAsUser = "postgres";

    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<ParameterResource> password, LocalPostgresOptions options)
    {
        var workingDirectory = Path.GetDirectoryName(Path.GetFullPath(options.InitScript))!;
        var runAs = Environment.IsPrivilegedProcess ? RunAsUser : null;
        var port = options.Port == 0 ? LoopbackPort.Free() : options.Port;

        var init = builder.AddExecutable($"{name}-init", "bash", workingDirectory, Path.GetFullPath(options.InitScript))
            .WithEnvironment("PG_BIN", options.BinDirectory)
            .WithEnvironment("PGDATA", options.DataDirectory)
            .WithEnvironment("PG_RUN_AS", runAs ?? "")
            .WithEnvironment("POSTGRES_PASSWORD", password);

        var serverCommand = ChildProcess.AsUser(runAs, Path.Combine(options.BinDirectory, "postgres"), []);
        var server = builder.AddResource(new LocalPostgresServerResource(name, serverCommand[0], workingDirectory, password.Resource, options.DataDirectory))
            .WithArgs(serverCommand[1..])
            .WithArgs(
                "-D", options.DataDirectory,
                "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-c", "listen_addresses=localhost",
                // TCP only: no socket file in a shared folder.
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

        // Healthy means it accepts logins.
        string? serverConnection = null;
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server.Resource, async (_, ct) =>
            serverConnection = await server.Resource.ConnectionStringExpression.GetValueAsync(ct));
        var check = $"{name}_check";
        builder.Services.AddHealthChecks()
            .AddCheck(check, new LocalPostgresReadyCheck(options.DataDirectory, () => serverConnection));
        server.WithHealthCheck(check);

        builder.Services.AddHostedService(sp => new LocalPostgresShutdown(options.BinDirectory, options.DataDirectory, runAs,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<LocalPostgresShutdown>>()));
        return server;
    }

    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresServerResource> server, string name)
    {
        var builder = server.ApplicationBuilder;
        var database = builder.AddResource(new LocalPostgresDatabaseResource(name, name, server.Resource))
            .WithIconName("DatabaseStack")
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new("postgres.database", name)],
            });

        string? databaseConnection = null;
        var check = $"{name}_check";
        builder.Services.AddHealthChecks()
            .AddNpgSql(_ => databaseConnection ?? throw new InvalidOperationException("PostgreSQL has not started yet."), name: check);
        database.WithHealthCheck(check);

        builder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (e, ct) =>
        {
            var serverConnection = await server.Resource.ConnectionStringExpression.GetValueAsync(ct);
            await CreateDatabaseIfMissingAsync(serverConnection!, name, ct);
            databaseConnection = await database.Resource.ConnectionStringExpression.GetValueAsync(ct);
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            await notifications.PublishUpdateAsync(database.Resource, s => s with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        });
        return database;
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
}
