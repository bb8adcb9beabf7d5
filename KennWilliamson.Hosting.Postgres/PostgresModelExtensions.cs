namespace KennWilliamson.Hosting.Postgres;

/// <summary>The application's own parts of the model: names, image, scripts.</summary>
/// <param name="DatabaseName">The database, and its resource's name.</param>
/// <param name="DockerfileDirectory">Container mode: the folder whose Dockerfile builds the server image.</param>
/// <param name="ImageName">Container mode: the built image's own name, so it never shadows the official one.</param>
/// <param name="Major">The PostgreSQL major version: the image tag, the build's <c>PG_IMAGE</c> and the volume path follow it.</param>
/// <param name="InitScript">Local mode: the script run once before the server (see <see cref="LocalPostgresOptions"/>).</param>
public sealed record PostgresModelOptions(string DatabaseName, string DockerfileDirectory, string ImageName, string Major, string InitScript)
{
    public string ServerName { get; init; } = "postgres";

    /// <summary>Published: a fixed volume name, because the default one hashes the AppHost's folder.</summary>
    public string? PublishedVolumeName { get; init; }

    /// <summary>External mode, published: the connection-string parameter of the role given to <see cref="PostgresDatabaseExtensions.WithDatabaseRole"/>.</summary>
    public string ExternalAppConnectionName => $"{DatabaseName}-app";
}

public static class PostgresModelExtensions
{
    /// <summary>
    /// The database in the mode <c>Postgres:Mode</c> asks for, with its server and the secret <c>SERVER-password</c> unless
    /// external. Publishing models the container whatever the run mode (local executables cannot be deployed), except
    /// external, which publishes connection-string parameters instead.
    /// </summary>
    public static PostgresDatabase AddPostgresFromSettings(this IDistributedApplicationBuilder builder, PostgresModelOptions options)
    {
        var settings = PostgresSettings.From(builder.Configuration, builder.AppHostDirectory);
        // Asked of the machine at most once (it may run pg_config), and only when the mode needs it.
        var binDirectory = new Lazy<string?>(() => PostgresMachine.FindBinDirectory(settings.BinDirectory));
        var mode = settings.Mode == PostgresMode.External ? PostgresMode.External
            : builder.ExecutionContext.IsPublishMode ? PostgresMode.Container
            : settings.Resolve(() => binDirectory.Value, () => PostgresMachine.ContainerRuntimeAnswers(settings.ContainerRuntime));

        if (mode == PostgresMode.External)
        {
            return new PostgresDatabase(options.DatabaseName, builder.AddConnectionString(options.DatabaseName), Endpoint: null,
                builder.ExecutionContext.IsPublishMode ? builder.AddConnectionString(options.ExternalAppConnectionName) : null);
        }

        var password = builder.AddParameter($"{options.ServerName}-password",
            new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        if (mode == PostgresMode.Container)
        {
            return AddContainer(builder, options, settings, password);
        }

        var bin = binDirectory.Value ?? throw new SetupException(
            "Postgres:Mode is local, but no PostgreSQL server binaries were found. Install the server package " +
            "(e.g. `sudo apt-get install postgresql`) or set Postgres:BinDirectory to the folder holding postgres and initdb.");
        var server = builder.AddLocalPostgres(options.ServerName, password, new LocalPostgresOptions(bin, settings.DataDirectory, settings.Port, options.InitScript));
        var database = server.AddDatabase(options.DatabaseName);
        return new PostgresDatabase(options.DatabaseName, database, server.Resource.PrimaryEndpoint) { DataDirectory = server.Resource.DataDirectory };
    }

    private static PostgresDatabase AddContainer(IDistributedApplicationBuilder builder, PostgresModelOptions options, PostgresSettings settings,
        IResourceBuilder<ParameterResource> password)
    {
        var server = builder.AddPostgres(options.ServerName, password: password, port: settings.Port == 0 ? null : settings.Port)
            .WithDockerfile(options.DockerfileDirectory)
            // Stated although it is the Dockerfile's default, so the manifest shows which major it builds.
            .WithBuildArg("PG_IMAGE", $"postgres:{options.Major}-bookworm")
            // Before the volume: Aspire picks the volume's mount path from the tag.
            .WithImage(options.ImageName, options.Major)
            .WithDataVolume(builder.ExecutionContext.IsPublishMode ? options.PublishedVolumeName : null);
        if (builder.ExecutionContext.IsRunMode)
        {
            server.WithPgAdmin(); // a development tool, never deployed
        }
        var database = server.AddDatabase(options.DatabaseName);
        return new PostgresDatabase(options.DatabaseName, database, server.Resource.PrimaryEndpoint);
    }
}
