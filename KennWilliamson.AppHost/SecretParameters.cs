namespace KennWilliamson.AppHost;

internal static class SecretParameters
{
    /// <summary>
    /// A secret parameter generated on first run (32 letters and digits: no quoting trouble in
    /// connection strings or SQL) and persisted to the AppHost's user secrets, never to committed files.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddSecret(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
}
