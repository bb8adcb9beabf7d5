using System.Text.Json;

namespace KennWilliamson.Api;

/// <summary>snake_case, as the original backend's web client expects.</summary>
public static class JsonSettings
{
    public static IServiceCollection AddApiJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.MaxDepth = 16; // well below the default 64
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
        });
}
