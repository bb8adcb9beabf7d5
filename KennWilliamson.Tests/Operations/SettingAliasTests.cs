using System.Text.Json;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// The scripts hand the worker one vocabulary (Backups__Key, …): the short names they document are aliases,
/// mapped in scripts/lib/db.sh only, and a setting already set wins over its alias.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class SettingAliasTests
{
    [Theory]
    [InlineData("BACKUP_KEY", "Backups__Key")]
    [InlineData("BACKUP_DIR", "Backups__Directory")]
    [InlineData("BACKUP_RETENTION_DAYS", "Backups__RetentionDays")]
    [InlineData("KENNWILLIAMSON_ENV", "Backups__Environment")]
    [InlineData("AUDIT_RETENTION_DAYS", "Audit__RetentionDays")]
    public async Task An_alias_becomes_its_setting_and_is_not_passed_on(string alias, string setting)
    {
        var environment = await SourcedAsync(new Dictionary<string, string> { [alias] = "qa" });

        Assert.Equal("qa", environment.GetValueOrDefault(setting));
        Assert.False(environment.ContainsKey(alias), alias);
    }

    [Fact]
    public async Task A_setting_already_set_wins_over_its_alias_and_an_empty_alias_sets_nothing()
    {
        var environment = await SourcedAsync(new Dictionary<string, string>
        {
            ["KENNWILLIAMSON_ENV"] = "qa",
            ["Backups__Environment"] = "prod-eu",
            ["BACKUP_KEY"] = "",
        });

        Assert.Equal("prod-eu", environment["Backups__Environment"]);
        Assert.False(environment.ContainsKey("Backups__Key"));
    }

    [Fact]
    public async Task With_DATABASE_URL_a_connection_string_left_in_the_shell_is_not_passed_on()
    {
        var environment = await SourcedAsync(new Dictionary<string, string>
        {
            ["DATABASE_URL"] = "postgresql://someone:secret@127.0.0.1:1/kennwilliamson",
            ["ConnectionStrings__kennwilliamson"] = "Host=elsewhere",
        }, "default_database");

        Assert.False(environment.ContainsKey("ConnectionStrings__kennwilliamson"));
    }

    /// <summary>Without Postgres__Port or a user secret the scripts connect where the AppHost's appsettings.json puts PostgreSQL.</summary>
    [Fact]
    public async Task Without_a_port_setting_the_scripts_connect_to_the_apphosts_default_port()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "KennWilliamson.AppHost", "appsettings.json")));
        var environment = await SourcedAsync(new Dictionary<string, string>
        {
            ["USER_SECRETS_CACHE"] = "", // no user secrets: the defaults decide
            ["Parameters__postgres-password"] = "not-used",
        }, "default_database");

        var connection = new Npgsql.NpgsqlConnectionStringBuilder(environment["ConnectionStrings__kennwilliamson"]);
        Assert.Equal(settings.RootElement.GetProperty("Postgres").GetProperty("Port").GetInt32(), connection.Port);
        Assert.Equal("localhost", connection.Host);
    }

    /// <summary>The environment db.sh leaves for the worker, after <paramref name="then"/> (a db.sh function, or nothing).</summary>
    private static async Task<Dictionary<string, string>> SourcedAsync(Dictionary<string, string> environment, string then = "true")
    {
        var result = await ChildProcess.RunAsync("bash", ["-c", $"source scripts/lib/db.sh && {then} && env -0"], TimeSpan.FromSeconds(30),
            environment, TestPaths.RepositoryRoot, null);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(v => v.Split('=', 2))
            .ToDictionary(v => v[0], v => v[1], StringComparer.Ordinal);
    }
}
