using Npgsql;

namespace KennWilliamson.Hosting.Postgres;

/// <summary><see cref="Endpoint"/>: when the model runs a server. <see cref="ExternalAppConnection"/>: external, published.</summary>
public sealed record PostgresDatabase(
    string DatabaseName,
    IResourceBuilder<IResourceWithConnectionString> Database,
    EndpointReference? Endpoint,
    IResourceBuilder<IResourceWithConnectionString>? ExternalAppConnection = null)
{
    /// <summary>Local mode only.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Container mode (always when published): the application's other servers run as containers too.</summary>
    public bool InContainer { get; init; }
}

public static class PostgresDatabaseExtensions
{
    /// <summary>
    /// The database as another login role, never the owner. External and running, the owner's string is rewritten at
    /// start so its password never reaches the resource; published, a manifest cannot rewrite a secret, so later keys win.
    /// </summary>
    public static IResourceBuilder<T> WithDatabaseRole<T>(this IResourceBuilder<T> resource, PostgresDatabase database,
        string userName, IResourceBuilder<ParameterResource> password) where T : IResourceWithEnvironment
    {
        var variable = $"ConnectionStrings__{database.DatabaseName}";
        if (database.Endpoint is { } endpoint)
        {
            return resource.WithEnvironment(variable, ReferenceExpression.Create(
                $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Database={database.DatabaseName};Username={userName};Password={password.Resource}"));
        }
        if (database.ExternalAppConnection is { } appConnection)
        {
            return resource.WithEnvironment(variable,
                ReferenceExpression.Create($"{appConnection.Resource};Username={userName};Password={password.Resource}"));
        }
        return resource.WithEnvironment(async context =>
        {
            var owner = await database.Database.Resource.GetConnectionStringAsync(context.CancellationToken);
            context.EnvironmentVariables[variable] = new NpgsqlConnectionStringBuilder(owner)
            {
                Username = userName,
                Password = await password.Resource.GetValueAsync(context.CancellationToken),
            }.ConnectionString;
        });
    }
}
