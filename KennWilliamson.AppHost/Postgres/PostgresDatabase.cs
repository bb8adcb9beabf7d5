namespace KennWilliamson.AppHost.Postgres;

/// <summary>The <c>kennwilliamson</c> database in either mode, and the server endpoint behind it.</summary>
public sealed record PostgresDatabase(IResourceBuilder<IResourceWithConnectionString> Database, EndpointReference Endpoint)
{
    /// <summary>A connection string for another login role on the same database (the API's least-privilege role).</summary>
    public ReferenceExpression ConnectionStringFor(string userName, IResourceBuilder<ParameterResource> password) =>
        ReferenceExpression.Create(
            $"Host={Endpoint.Property(EndpointProperty.Host)};Port={Endpoint.Property(EndpointProperty.Port)};Database={DatabaseName};Username={userName};Password={password.Resource}");

    public const string DatabaseName = "kennwilliamson";
}
