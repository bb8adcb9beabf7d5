using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using KennWilliamson.Api.Accounts;
using KennWilliamson.Api.IncidentTimers;
using KennWilliamson.Api.Infrastructure;
using KennWilliamson.AppHost;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Deployment;

/// <summary>The deployment manifest that publish mode writes (<c>--publisher manifest</c>), read as JSON.</summary>
[Collection(AppHostSequence.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
public sealed partial class ManifestTests
{
    private static readonly string[] SecretParameters = ["postgres-password", "app-db-password", "jwt-signing-key", "backup-key", "limits-password"];

    [Theory]
    [InlineData("auto")]
    [InlineData("local")] // running locally must not leak into a deployment: publishing still models the container
    public async Task Publish_mode_models_the_custom_image_projects_and_secret_parameters(string mode)
    {
        var manifest = await ManifestPublisher.PublishAsync($"--Postgres:Mode={mode}");

        var postgres = manifest["postgres"];
        Assert.StartsWith("container.", postgres.GetProperty("type").GetString(), StringComparison.Ordinal);
        var build = postgres.GetProperty("build");
        Assert.Equal(Path.Combine(TestPaths.RepositoryRoot, "postgres"), manifest.FullPath(build.GetProperty("context").GetString()!));
        Assert.Equal(Path.Combine(TestPaths.RepositoryRoot, "postgres", "Dockerfile"), manifest.FullPath(build.GetProperty("dockerfile").GetString()!));
        Assert.Equal("postgres:17-bookworm", build.GetProperty("args").GetProperty("PG_IMAGE").GetString());
        var volume = Assert.Single(postgres.GetProperty("volumes").EnumerateArray());
        Assert.Equal("kennwilliamson-postgres-data", volume.GetProperty("name").GetString());
        Assert.Equal("/var/lib/postgresql/data", volume.GetProperty("target").GetString()); // the path of tag 17
        Assert.Equal("{postgres-password.value}", postgres.GetProperty("env").GetProperty("POSTGRES_PASSWORD").GetString());

        var database = manifest["kennwilliamson"].GetProperty("connectionString").GetString();
        Assert.Equal("{postgres.connectionString};Database=kennwilliamson", database);

        foreach (var project in new[] { "migrations", "api" })
        {
            Assert.Matches("^project\\.v[01]$", manifest[project].GetProperty("type").GetString());
        }
        var worker = manifest["migrations"].GetProperty("env");
        Assert.Equal("{kennwilliamson.connectionString}", worker.GetProperty("ConnectionStrings__kennwilliamson").GetString());
        Assert.Equal("{app-db-password.value}", worker.GetProperty("AppDatabase__Password").GetString());
        var api = manifest["api"].GetProperty("env");
        Assert.Equal(
            "Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Database=kennwilliamson;Username=kennwilliamson_app;Password={app-db-password.value}",
            api.GetProperty("ConnectionStrings__kennwilliamson").GetString());
        Assert.Equal("{jwt-signing-key.value}", api.GetProperty("Jwt__SigningKey").GetString());
        // Aspire's default would trust X-Forwarded-For from any peer; the API names its proxies itself.
        Assert.False(api.TryGetProperty("ASPNETCORE_FORWARDEDHEADERS_ENABLED", out _), "the API trusts forwarded headers from anyone");

        AssertSecretParameters(manifest, SecretParameters);
        Assert.DoesNotContain(manifest.Types, r => r.Type.StartsWith("executable", StringComparison.Ordinal));
        // pgAdmin is a development tool; the database server and the limits' Redis are the only containers.
        Assert.Equal(["postgres", "limits"], manifest.Types.Where(r => r.Type.StartsWith("container", StringComparison.Ordinal)).Select(r => r.Name));
        AssertSharedLimitStore(manifest);
        AssertNoLiteralPassword(manifest);
    }

    [Fact]
    public async Task External_mode_publishes_connection_string_parameters_and_no_server()
    {
        var manifest = await ManifestPublisher.PublishAsync("--Postgres:Mode=external");

        foreach (var name in new[] { "kennwilliamson", "kennwilliamson-app" })
        {
            Assert.Equal("parameter.v0", manifest[name].GetProperty("type").GetString());
            Assert.Equal($"{{{name}.value}}", manifest[name].GetProperty("connectionString").GetString());
        }
        AssertSecretParameters(manifest, ["kennwilliamson", "kennwilliamson-app", "app-db-password", "jwt-signing-key", "backup-key"]);

        Assert.DoesNotContain("postgres", manifest.Names);
        Assert.DoesNotContain("postgres-password", manifest.Names);
        // The database is someone else's; the limits' Redis is still the application's own.
        Assert.Equal(["limits"], manifest.Types.Where(r => r.Type.StartsWith("container", StringComparison.Ordinal)).Select(r => r.Name));
        Assert.DoesNotContain(manifest.Types, r => r.Type.StartsWith("executable", StringComparison.Ordinal));
        AssertSharedLimitStore(manifest);

        Assert.Equal("{kennwilliamson.connectionString}",
            manifest["migrations"].GetProperty("env").GetProperty("ConnectionStrings__kennwilliamson").GetString());
        // The API never sees the owner's connection string: its own, with its role and password last (they win).
        Assert.Equal("{kennwilliamson-app.connectionString};Username=kennwilliamson_app;Password={app-db-password.value}",
            manifest["api"].GetProperty("env").GetProperty("ConnectionStrings__kennwilliamson").GetString());
        AssertNoLiteralPassword(manifest);
    }

    /// <summary>What the published external API connection string relies on: a later key overrides an earlier one.</summary>
    [Fact]
    public void Appended_username_and_password_override_those_in_the_connection_string()
    {
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(
            "Host=db.example;Database=kennwilliamson;User ID=someone;Password=old;SSL Mode=Require;Username=kennwilliamson_app;Password=new");
        Assert.Equal("kennwilliamson_app", connection.Username);
        Assert.Equal("new", connection.Password);
        Assert.Equal("db.example", connection.Host);
    }

    [Fact]
    public async Task Every_api_knob_and_the_replica_count_are_parameters_with_the_apis_own_defaults()
    {
        var manifest = await ManifestPublisher.PublishAsync("--Api:Replicas=3");

        var api = manifest["api"].GetProperty("env");
        Assert.Equal("3", Default(manifest["api-replicas"]));
        Assert.Equal("{api-replicas.value}", api.GetProperty("Api__Replicas").GetString());
        foreach (var setting in ApiSettings.All)
        {
            Assert.Equal(setting.Default, Default(manifest[setting.Parameter]));
            Assert.Equal($"{{{setting.Parameter}.value}}", api.GetProperty(setting.Key.Replace(":", "__", StringComparison.Ordinal)).GetString());
        }
        var apiDefaults = new Dictionary<string, string>
        {
            ["RateLimiting:Auth:PermitLimit"] = Invariant(new RateLimitOptions().PermitLimit),
            ["RateLimiting:FailedLogins:PermitLimit"] = Invariant(new FailedLoginOptions().PermitLimit),
            ["RateLimiting:FailedLogins:MaxTrackedEmails"] = Invariant(new FailedLoginOptions().MaxTrackedEmails),
            ["RateLimiting:TimerWrites:PermitLimit"] = Invariant(new TimerWriteLimitOptions().PermitLimit),
            ["RateLimiting:Shared"] = new SharedLimitOptions().Shared ? "true" : "false",
            ["RefreshTokens:PurgeAfter"] = new RefreshTokenPurgeOptions().PurgeAfter.ToString("c", CultureInfo.InvariantCulture),
            ["RefreshTokens:PurgeInterval"] = new RefreshTokenPurgeOptions().PurgeInterval.ToString("c", CultureInfo.InvariantCulture),
            ["Jwt:AccessTokenLifetime"] = new JwtOptions().AccessTokenLifetime.ToString("c", CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in apiDefaults)
        {
            Assert.Equal(value, ApiSettings.All.Single(s => s.Key == key).Default);
        }
    }

    private static string? Default(JsonElement parameter) =>
        parameter.GetProperty("inputs").GetProperty("value").GetProperty("default").GetProperty("value").GetString();

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void AssertSecretParameters(ManifestPublisher.Manifest manifest, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            var parameter = manifest[name];
            Assert.Equal("parameter.v0", parameter.GetProperty("type").GetString());
            Assert.True(parameter.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean(), $"{name} is not secret");
            Assert.False(parameter.GetProperty("inputs").GetProperty("value").TryGetProperty("value", out _), $"{name} carries a value");
        }
    }

    /// <summary>Redis for the shared limits: the API gets its connection string, the password reaches the server by a file, not its command line.</summary>
    private static void AssertSharedLimitStore(ManifestPublisher.Manifest manifest)
    {
        var limits = manifest["limits"];
        Assert.StartsWith("docker.io/library/redis:", limits.GetProperty("image").GetString(), StringComparison.Ordinal);
        Assert.Equal("{limits-password.value}", limits.GetProperty("env").GetProperty("REDIS_PASSWORD").GetString());
        var start = string.Join(' ', limits.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains("exec redis-server /tmp/limits.conf", start, StringComparison.Ordinal);
        Assert.DoesNotContain("--requirepass", start, StringComparison.Ordinal);
        Assert.Equal("{limits.connectionString}", manifest["api"].GetProperty("env").GetProperty("ConnectionStrings__limits").GetString());
        AssertSecretParameters(manifest, ["limits-password"]);
    }

    private static void AssertNoLiteralPassword(ManifestPublisher.Manifest manifest) =>
        Assert.DoesNotMatch(LiteralPassword(), manifest.Text);

    [GeneratedRegex("Password=[^{]", RegexOptions.IgnoreCase)]
    private static partial Regex LiteralPassword();
}
