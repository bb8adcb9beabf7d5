using KennWilliamson.Hosting.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace KennWilliamson.AppHost;

/// <summary>
/// Redis, where every API replica counts the shared limits (docs/deploy.md says why not PostgreSQL): Aspire's Redis
/// container where PostgreSQL runs in one and whenever published, else the machine's <c>redis-server</c>, as local
/// PostgreSQL is. It holds only counters that expire within a day, so it keeps nothing on disk.
/// </summary>
public static class LimitStore
{
    public const string Name = "limits";

    public const string MissingServerMessage =
        "PostgreSQL runs locally, so the rate-limit store (Redis) does too, but no redis-server was found on PATH. " +
        "Install it (e.g. `sudo apt-get install redis-server`; the package's own service is not needed) or set Redis:ServerPath to the program.";

    public static IResourceBuilder<IResourceWithConnectionString> AddLimitStore(this IDistributedApplicationBuilder builder, PostgresDatabase postgres)
    {
        var password = builder.AddParameter($"{Name}-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        if (postgres.InContainer || builder.ExecutionContext.IsPublishMode)
        {
            return builder.AddRedisContainer(password);
        }
        var server = builder.Configuration["Redis:ServerPath"] is { Length: > 0 } configured ? configured : FindOnPath("redis-server");
        if (server is null || !File.Exists(server))
        {
            throw new SetupException(MissingServerMessage);
        }
        var directory = postgres.DataDirectory is { } data
            ? Path.Combine(Path.GetDirectoryName(data)!, "redis")
            : Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".data", "redis"));
        return builder.AddLocalRedis(server, directory, password);
    }

    /// <summary>
    /// Aspire's Redis, started so the password stays off the command line (Aspire's own start passes it as
    /// <c>--requirepass</c>): a config file only the server's user reads, inside the container. Plain TCP, as the
    /// local server, so no development certificate is asked for.
    /// </summary>
    private static IResourceBuilder<IResourceWithConnectionString> AddRedisContainer(this IDistributedApplicationBuilder builder,
        IResourceBuilder<ParameterResource> password)
    {
#pragma warning disable ASPIRECERTIFICATES001 // Aspire's own switch, marked for evaluation
        return builder.AddRedis(Name, password: password)
            .WithoutHttpsCertificate()
#pragma warning restore ASPIRECERTIFICATES001
            .WithAnnotation(new CommandLineArgsCallbackAnnotation((CommandLineArgsCallbackContext context) =>
            {
                context.Args.Clear();
                context.Args.Add("-c");
                context.Args.Add("umask 077 && printf 'requirepass %s\\n' \"$REDIS_PASSWORD\" > /tmp/limits.conf && exec redis-server /tmp/limits.conf --save '' --appendonly no");
                return Task.CompletedTask;
            }), ResourceAnnotationMutationBehavior.Replace);
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalRedis(this IDistributedApplicationBuilder builder, string server,
        string directory, IResourceBuilder<ParameterResource> password)
    {
        var port = LoopbackPort.Free();
        var config = Path.Combine(directory, "redis.conf");
        var redis = builder.AddResource(new LocalRedisResource(Name, server, directory, password.Resource))
            // The password is in the config file (owner-only), never on the command line.
            .WithArgs(config, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", directory)
            .WithEndpoint(LocalRedisResource.EndpointName, e =>
            {
                e.Port = port;
                e.TargetPort = port;
                e.IsProxied = false; // a proxy would add a hop to every limited request
                e.UriScheme = "tcp";
                e.Transport = "tcp";
            })
            .WithIconName("Gauge");

        string? connection = null;
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(redis.Resource, async (_, ct) =>
        {
            WriteConfig(directory, config, await password.Resource.GetValueAsync(ct) ?? "");
            connection = await redis.Resource.ConnectionStringExpression.GetValueAsync(ct);
        });
        var check = $"{Name}_check";
        builder.Services.AddHealthChecks().AddRedis(_ => connection ?? throw new InvalidOperationException("Redis has not started yet."), check);
        return redis.WithHealthCheck(check);
    }

    /// <summary>A folder and file only their owner can read; written whole, then renamed, so the server never reads half of one.</summary>
    private static void WriteConfig(string directory, string config, string password)
    {
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Directory.CreateDirectory(directory);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, OwnerOnly | UnixFileMode.UserExecute);
            options.UnixCreateMode = OwnerOnly;
        }
        var partial = config + ".partial";
        using (var writer = new StreamWriter(partial, options))
        {
            writer.Write($"requirepass {password}\n");
        }
        File.Move(partial, config, overwrite: true);
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
