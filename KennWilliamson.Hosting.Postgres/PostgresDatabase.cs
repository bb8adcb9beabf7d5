using Npgsql;

namespace KennWilliamson.Hosting.Postgres;

/// <summary>
/// The database in any mode. <see cref="Endpoint"/> is the server's when the model runs one (container, local);
/// <see cref="ExternalAppConnection"/> is the role's connection-string parameter when an external server is published.
/// </summary>
public sealed record PostgresDatabase(
    string DatabaseName,
    IResourceBuilder<IResourceWithConnectionString> Database,
    EndpointReference? Endpoint,
    IResourceBuilder<IResourceWithConnectionString>? ExternalAppConnection = null)
{
    /// <summary>The server's data directory when it is a folder of this machine (local mode), else null.</summary>
    public string? DataDirectory { get; init; }
}

public static class PostgresDatabaseExtensions
{
    /// <summary>
    /// Sets <c>ConnectionStrings__DATABASE</c> to the database as another login role, never the owner: built from the
    /// server's endpoint; external and running, the owner's connection string with the role's credentials, resolved at
    /// start so the owner password never reaches the resource; external and published, the role's own parameter plus
    /// its credentials (later keys win in a connection string; a manifest cannot rewrite a secret).
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
