namespace KennWilliamson.AppHost;

internal static class SecretParameters
{
    /// <summary>
    /// A secret parameter generated on first run (letters and digits, 32 unless asked otherwise: no quoting trouble in
    /// connection strings or SQL) and persisted to the AppHost's user secrets, never to committed files.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddSecret(this IDistributedApplicationBuilder builder, string name, int length = 32) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = length, Special = false }, secret: true, persist: true);
}
