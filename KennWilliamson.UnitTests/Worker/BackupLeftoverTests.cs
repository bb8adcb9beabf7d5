using KennWilliamson.MigrationService.Backups;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>The names by which a backup stopped the hard way is known: its .partial, and its gpg home with the process id.</summary>
[Trait("Category", "Unit")]
public sealed class BackupLeftoverTests
{
    [Theory]
    [InlineData("kennwilliamson-gpg-4242-Ab12Cd", 4242)]
    [InlineData("kennwilliamson-gpg-1-x", 1)]
    [InlineData("kennwilliamson-gpgAb12Cd", null)] // the old name, without a process id: never taken for a dead run's
    [InlineData("kennwilliamson-gpg--x", null)]
    [InlineData("kennwilliamson-gpg-0-x", null)]
    [InlineData("kennwilliamson-gpg-99999999999-x", null)]
    [InlineData("other-gpg-42-x", null)]
    public void A_gpg_home_names_the_process_that_made_it(string folder, int? pid) =>
        Assert.Equal(pid, Gpg.HomeOwner(folder));

    [Theory]
    [InlineData("kennwilliamson_development_20261204_101500.dump.gpg.partial", true)]
    [InlineData("kennwilliamson_staging_20261204_101500.dump.gpg.partial", true)]
    [InlineData("kennwilliamson_development_20261204_101500.dump.gpg", false)]
    [InlineData("notes.partial", false)]
    [InlineData("kennwilliamson_development_20261204_101500.dump.gpg.partial.old", false)]
    public void Only_a_backups_own_partial_name_is_taken_for_a_leftover(string name, bool partial) =>
        Assert.Equal(partial, BackupLeftovers.IsPartial(name));
}
