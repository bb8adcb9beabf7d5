using KennWilliamson.AppHost.Postgres.Local;

namespace KennWilliamson.AppHost.Postgres;

public static class PostgresBuilderExtensions
{
    /// <summary>The PostgreSQL major version: the image tag, the Dockerfile's base image and the volume path follow it.</summary>
    public const string Major = "17";

    /// <summary>
    /// Adds the <c>kennwilliamson</c> database in the mode that <c>Postgres:Mode</c> asks for, with its server <c>postgres</c> and the secret <c>postgres-password</c> unless the mode is
    /// external. Publishing models the container whatever the mode says for running (local executables
    /// cannot be deployed), except external, which publishes the connection string parameter instead.
    /// </summary>
    public static PostgresDatabase AddKennWilliamsonPostgres(this IDistributedApplicationBuilder builder)
    {
        var settings = PostgresSettings.From(builder.Configuration, builder.AppHostDirectory);
        // Asked of the machine at most once (it may run pg_config), and only when the mode needs it.
        var binDirectory = new Lazy<string?>(() => PostgresMachine.FindBinDirectory(settings.BinDirectory));
        var mode = settings.Mode == PostgresMode.External ? PostgresMode.External
            : builder.ExecutionContext.IsPublishMode ? PostgresMode.Container
            : settings.Resolve(() => binDirectory.Value, () => PostgresMachine.ContainerRuntimeAnswers(settings.ContainerRuntime));

        if (mode == PostgresMode.External)
        {
            return AddExternal(builder);
        }

        var password = builder.AddSecret("postgres-password");
        if (mode == PostgresMode.Container)
        {
            return AddContainer(builder, settings, password);
        }

        var bin = binDirectory.Value ?? throw new SetupException(
            "Postgres:Mode is local, but no PostgreSQL server binaries were found. Install the server package " +
            "(e.g. `sudo apt-get install postgresql`) or set Postgres:BinDirectory to the folder holding postgres and initdb.");
        var server = builder.AddLocalPostgres("postgres", password, new LocalPostgresOptions(bin, settings.DataDirectory, settings.Port,
            Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "postgres", "local", "init.sh"))));
        var database = server.AddDatabase(PostgresDatabase.DatabaseName);
        return new PostgresDatabase(database, server.Resource.PrimaryEndpoint) { DataDirectory = server.Resource.DataDirectory };
    }

    /// <summary>
    /// A server run elsewhere (a managed service): the owner connection string is the secret parameter
    /// <c>ConnectionStrings:kennwilliamson</c>, and no server resource exists. Published, the API gets its
    /// own connection-string parameter (see <see cref="PostgresDatabaseExtensions.WithDatabaseRole"/>).
    /// </summary>
    private static PostgresDatabase AddExternal(IDistributedApplicationBuilder builder) => new(
        builder.AddConnectionString(PostgresDatabase.DatabaseName),
        Endpoint: null,
        builder.ExecutionContext.IsPublishMode ? builder.AddConnectionString(PostgresDatabase.ExternalAppConnectionName) : null);

    private static PostgresDatabase AddContainer(IDistributedApplicationBuilder builder, PostgresSettings settings,
        IResourceBuilder<ParameterResource> password)
    {
        var server = builder.AddPostgres("postgres", password: password, port: settings.Port == 0 ? null : settings.Port)
            // PostgreSQL 17 with pg_uuidv7 compiled in and pg_stat_statements preloaded.
            .WithDockerfile(Path.Combine(builder.AppHostDirectory, "..", "postgres"))
            // The Dockerfile's own default, stated so the manifest shows which major it builds.
            .WithBuildArg("PG_IMAGE", $"postgres:{Major}-bookworm")
            // Our own image name, so the build never shadows the official postgres:17 locally; the tag
            // is pinned before the volume because Aspire picks the volume's mount path from it.
            .WithImage("kennwilliamson/postgres", Major)
            // Published, a fixed name: the default one hashes the AppHost's folder, and a deployment
            // made from another checkout must find the same data.
            .WithDataVolume(builder.ExecutionContext.IsPublishMode ? "kennwilliamson-postgres-data" : null);
        if (builder.ExecutionContext.IsRunMode)
        {
            // A development tool: never part of a deployment.
            server.WithPgAdmin();
        }
        var database = server.AddDatabase(PostgresDatabase.DatabaseName);
        return new PostgresDatabase(database, server.Resource.PrimaryEndpoint);
    }
}
