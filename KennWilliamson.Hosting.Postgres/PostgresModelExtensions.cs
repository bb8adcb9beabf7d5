namespace KennWilliamson.Hosting.Postgres;

/// <summary>The application's own parts of the model; an image name of its own, so a build never shadows the official one.</summary>
public sealed record PostgresModelOptions(string DatabaseName, string DockerfileDirectory, string ImageName, string Major, string InitScript)
{
    public string ServerName { get; init; } = "postgres";

    /// <summary>Published: the default name hashes the AppHost's folder, and another checkout must find the same data.</summary>
    public string? PublishedVolumeName { get; init; }

    public string ExternalAppConnectionName => $"{DatabaseName}-app";
}

public static class PostgresModelExtensions
{
    /// <summary>Publishing models the container unless external: local executables cannot be deployed.</summary>
    public static PostgresDatabase AddPostgresFromSettings(this IDistributedApplicationBuilder builder, PostgresModelOptions options)
    {
        var settings = PostgresSettings.From(builder.Configuration, builder.AppHostDirectory);
        // At most once, and only when the mode needs it: it may run pg_config.
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
            // The Dockerfile's default, stated so the manifest shows the major.
            .WithBuildArg("PG_IMAGE", $"postgres:{options.Major}-bookworm")
            // Before the volume: Aspire picks the volume's mount path from the tag.
            .WithImage(options.ImageName, options.Major)
            .WithDataVolume(builder.ExecutionContext.IsPublishMode ? options.PublishedVolumeName : null);
        if (builder.ExecutionContext.IsRunMode)
        {
            server.WithPgAdmin(); // a development tool, never deployed
        }
        var database = server.AddDatabase(options.DatabaseName);
        return new PostgresDatabase(options.DatabaseName, database, server.Resource.PrimaryEndpoint) { InContainer = true };
    }
}
