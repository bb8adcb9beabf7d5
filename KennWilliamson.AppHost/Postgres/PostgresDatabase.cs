using Npgsql;

namespace KennWilliamson.AppHost.Postgres;

/// <summary>
/// The <c>kennwilliamson</c> database in any mode. <see cref="Endpoint"/> is the server's endpoint when the
/// model runs one (container, local); <see cref="ExternalAppConnection"/> is the API's connection-string
/// parameter when an external server is published.
/// </summary>
public sealed record PostgresDatabase(
    IResourceBuilder<IResourceWithConnectionString> Database,
    EndpointReference? Endpoint,
    IResourceBuilder<IResourceWithConnectionString>? ExternalAppConnection = null)
{
    public const string DatabaseName = "kennwilliamson";

    /// <summary>The API's connection-string parameter in a published external deployment.</summary>
    public const string ExternalAppConnectionName = "kennwilliamson-app";

    /// <summary>The server's data directory when it is a folder of this machine (local mode), else null.</summary>
    public string? DataDirectory { get; init; }
}

public static class PostgresDatabaseExtensions
{
    /// <summary>
    /// Sets <c>ConnectionStrings__kennwilliamson</c> to the database as another login role (the API's
    /// least-privilege role), never the owner:
    /// <list type="bullet">
    /// <item>with a server in the model, built from its endpoint;</item>
    /// <item>external, running: the owner connection string with its Username and Password replaced,
    /// resolved when the resource starts, so the owner password never reaches the resource;</item>
    /// <item>external, published: a manifest cannot rewrite a secret, so the role's own connection-string
    /// parameter (<c>kennwilliamson-app</c>, no password needed) plus the role and its password parameter,
    /// which win because later keys override earlier ones in a connection string.</item>
    /// </list>
    /// </summary>
    public static IResourceBuilder<T> WithDatabaseRole<T>(this IResourceBuilder<T> resource, PostgresDatabase database,
        string userName, IResourceBuilder<ParameterResource> password) where T : IResourceWithEnvironment
    {
        const string variable = "ConnectionStrings__kennwilliamson";
        if (database.Endpoint is { } endpoint)
        {
            return resource.WithEnvironment(variable, ReferenceExpression.Create(
                $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Database={PostgresDatabase.DatabaseName};Username={userName};Password={password.Resource}"));
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
