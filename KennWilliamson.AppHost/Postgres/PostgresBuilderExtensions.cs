namespace KennWilliamson.AppHost.Postgres;

public static class PostgresBuilderExtensions
{
    /// <summary>
    /// Adds <c>postgres</c> (server) and <c>kennwilliamson</c> (database) in the mode that
    /// <c>Postgres:Mode</c> asks for; see DESIGN.md section 3. Publishing always models the container:
    /// local executables cannot be deployed.
    /// </summary>
    public static PostgresDatabase AddKennWilliamsonPostgres(this IDistributedApplicationBuilder builder,
        IResourceBuilder<ParameterResource> password)
    {
        var settings = PostgresSettings.From(builder.Configuration, builder.AppHostDirectory);
        var mode = builder.ExecutionContext.IsPublishMode
            ? PostgresMode.Container
            : settings.Resolve(settings.FindBinDirectory, settings.ContainerRuntimeAnswers);

        if (mode == PostgresMode.Container)
        {
            return AddContainer(builder, settings, password);
        }

        var binDirectory = settings.FindBinDirectory() ?? throw new PostgresSetupException(
            "Postgres:Mode is local, but no PostgreSQL server binaries were found. Install the server package " +
            "(e.g. `sudo apt-get install postgresql`) or set Postgres:BinDirectory to the folder holding postgres and initdb.");
        return LocalPostgres.Add(builder, settings, binDirectory, password, PostgresDatabase.DatabaseName);
    }

    private static PostgresDatabase AddContainer(IDistributedApplicationBuilder builder, PostgresSettings settings,
        IResourceBuilder<ParameterResource> password)
    {
        var server = builder.AddPostgres("postgres", password: password, port: settings.Port == 0 ? null : settings.Port)
            // PostgreSQL 17 with pg_uuidv7 compiled in and pg_stat_statements preloaded.
            .WithDockerfile(Path.Combine(builder.AppHostDirectory, "..", "postgres"))
            // Our own image name, so the build never shadows the official postgres:17 locally; the tag
            // is pinned before the volume because Aspire picks the volume's mount path from it.
            .WithImage("kennwilliamson/postgres", "17")
            .WithDataVolume()
            .WithPgAdmin();
        var database = server.AddDatabase(PostgresDatabase.DatabaseName);
        return new PostgresDatabase(database, server.Resource.PrimaryEndpoint);
    }
}
