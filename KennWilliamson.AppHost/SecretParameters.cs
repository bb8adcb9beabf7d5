using System.Reflection;
using Microsoft.Extensions.Configuration.UserSecrets;

namespace KennWilliamson.AppHost;

internal static class SecretParameters
{
    /// <summary>A secret generated on first run into the user secrets; letters and digits only, so it needs no quoting in connection strings or SQL.</summary>
    public static IResourceBuilder<ParameterResource> AddSecret(this IDistributedApplicationBuilder builder, string name, int length = 32) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = length, Special = false }, secret: true, persist: true);

    /// <summary>
    /// The user-secrets file is written with the default umask, often world-readable: made owner-only at start-up and
    /// again once resources are created, when a first run has just written it.
    /// </summary>
    public static void RestrictUserSecretsFile(this IDistributedApplicationBuilder builder)
    {
        var id = Assembly.GetEntryAssembly()?.GetCustomAttribute<UserSecretsIdAttribute>()?.UserSecretsId;
        if (id is null || OperatingSystem.IsWindows())
        {
            return;
        }
        var file = PathHelper.GetSecretsPathFromSecretsId(id);
        RestrictToOwner(file);
        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((_, _) =>
        {
            if (!OperatingSystem.IsWindows())
            {
                RestrictToOwner(file);
            }
            return Task.CompletedTask;
        });
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static void RestrictToOwner(string file)
    {
        if (Path.GetDirectoryName(file) is { } folder && Directory.Exists(folder))
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (File.Exists(file))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
