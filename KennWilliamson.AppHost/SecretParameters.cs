using System.Reflection;
using Microsoft.Extensions.Configuration.UserSecrets;

namespace KennWilliamson.AppHost;

internal static class SecretParameters
{
    /// <summary>
    /// A secret parameter generated on first run (letters and digits, 32 unless asked otherwise: no quoting trouble in
    /// connection strings or SQL) and persisted to the AppHost's user secrets, never to committed files.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddSecret(this IDistributedApplicationBuilder builder, string name, int length = 32) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = length, Special = false }, secret: true, persist: true);

    /// <summary>
    /// The user-secrets file holds every generated secret; the tools write it with the default umask
    /// (world-readable on most Linux machines). Its folder becomes 0700 and the file 0600 at start-up and
    /// again once resources are created (when a first run has just written it).
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

    /// <summary>Folder 0700 and file 0600, when they exist.</summary>
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
