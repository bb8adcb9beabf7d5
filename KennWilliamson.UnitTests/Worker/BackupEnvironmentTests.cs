using CsCheck;
using KennWilliamson.MigrationService.Backups;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>
/// The &lt;env&gt; of the backups' names: Backups:Environment when set, else the worker's host environment, the
/// same one the seed rule reads. ASPNETCORE_ENVIRONMENT never names them. The scripts' alias KENNWILLIAMSON_ENV
/// is theirs (scripts/lib/db.sh; SettingAliasTests): the worker reads one name.
/// </summary>
[Trait("Category", "Unit")]
public sealed class BackupEnvironmentTests
{
    private static readonly Gen<string?> Names = Gen.OneOf(
        Gen.OneOf<string?>(null, ""),
        Gen.OneOf("Development", "Production", "Staging", "qa", "prod-eu", "Dev Box", "Ünïcode").Select(v => (string?)v),
        Gen.String[0, 12].Select(v => (string?)v));

    private static readonly Gen<string> HostNames = Gen.OneOf(Gen.OneOf("Development", "Production", "Staging", ""), Gen.String[0, 12]);

    private static string NameOf(string host, string? aspNetCore, string? backupsEnvironment = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = aspNetCore,
            ["Backups:Environment"] = backupsEnvironment,
            ["KENNWILLIAMSON_ENV"] = "ignored",
        };
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Where(v => v.Value is not null))
            .Build();
        BackupSettings.UseHostEnvironment(configuration, new HostingEnvironment { EnvironmentName = host });
        return BackupSettings.From(configuration).EnvironmentName;
    }

    [Theory]
    [InlineData("Production", null, "production")]
    [InlineData("Production", "Development", "production")]
    [InlineData("Development", "Production", "development")]
    [InlineData("Staging", null, "staging")]
    [InlineData("", "Development", "production")]
    public void Without_Backups_Environment_backups_are_named_after_the_host_environment(string host, string? aspNetCore, string expected) =>
        Assert.Equal(expected, NameOf(host, aspNetCore));

    [Fact]
    public void Backups_Environment_names_them_when_set()
    {
        Assert.Equal("qa", NameOf("Production", "Development", backupsEnvironment: "QA"));
        Assert.Equal("prod-eu", NameOf("Development", null, backupsEnvironment: "prod-eu"));
        Assert.Equal("staging", NameOf("Staging", "Development", backupsEnvironment: ""));
    }

    [Fact]
    public void ASPNETCORE_ENVIRONMENT_never_changes_the_name_and_every_name_is_a_file_name_part() =>
        Gen.Select(HostNames, Names, Names, Names).Sample((host, aspNetCore, otherAspNetCore, backupsEnvironment) =>
        {
            var name = NameOf(host, aspNetCore, backupsEnvironment);

            Assert.Equal(name, NameOf(host, otherAspNetCore, backupsEnvironment));
            Assert.Matches("^[a-z0-9-]+$", name);
            if (string.IsNullOrEmpty(backupsEnvironment) && host.Length > 0)
            {
                Assert.Equal(host.Length, name.Length); // the host's name, character for character (lower-cased or made safe)
            }
        });
}
