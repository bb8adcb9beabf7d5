using System.Globalization;
using CsCheck;
using KennWilliamson.MigrationService.Backups;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>Which backup a rehearsal takes without a FILE: the newest of its own environment.</summary>
[Trait("Category", "Unit")]
public sealed class BackupSourceTests
{
    private static readonly string[] Environments = ["development", "staging", "production", "prod-eu", "dev"];

    private static readonly Gen<(string Name, string Environment, DateTime Time)> Backup =
        Gen.Select(Gen.OneOf(Environments), Gen.Int[0, 1_000_000_000], Gen.OneOf(".dump.gpg", ".dump"),
            (environment, seconds, extension) =>
            {
                var time = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(seconds);
                return ($"kennwilliamson_{environment}_{time.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}{extension}", environment, time);
            });

    /// <summary>Names that look like backups and are not: no real time, a .partial, another prefix, a copy.</summary>
    private static readonly Gen<string> NotABackup = Gen.OneOf(
        "kennwilliamson_staging_20261399_999999.dump.gpg", "kennwilliamson_development_20990230_120000.dump.gpg",
        "kennwilliamson_development_20991231_235959.dump.gpg.partial", "notes.txt", "kennwilliamson_development_20991231_235959.dump.gpg.bak",
        "copy of kennwilliamson_development_20991231_235959.dump.gpg", "kennwilliamson_Development_20991231_235959.dump.gpg");

    [Fact]
    public void The_newest_backup_of_the_environment_is_taken_whatever_other_environments_have() =>
        Gen.Select(Backup.Array[0, 20], NotABackup.Array[0, 4], Gen.OneOf(Environments)).Sample((backups, junk, environment) =>
        {
            var names = backups.Select(b => b.Name).Concat(junk).ToList();
            var own = backups.Where(b => b.Environment == environment).ToList();
            var expected = own.Count == 0 ? null
                : own.OrderByDescending(b => b.Time).ThenByDescending(b => b.Name, StringComparer.Ordinal).First().Name;

            Assert.Equal(expected, BackupSource.Newest(names, environment));
        });

    [Fact]
    public void A_newer_backup_of_another_environment_is_not_taken()
    {
        string[] names = ["kennwilliamson_production_20261201_120000.dump.gpg", "kennwilliamson_staging_20261203_090000.dump.gpg",
            "kennwilliamson_production-eu_20261204_000000.dump.gpg"];

        Assert.Equal("kennwilliamson_production_20261201_120000.dump.gpg", BackupSource.Newest(names, "production"));
        Assert.Null(BackupSource.Newest(names, "development"));
    }
}
