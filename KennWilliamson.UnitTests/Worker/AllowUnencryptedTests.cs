using KennWilliamson.MigrationService;
using KennWilliamson.MigrationService.Backups;

namespace KennWilliamson.UnitTests.Worker;

/// <summary><c>--allow-unencrypted</c>: only with the verbs that read a backup, and a plain dump it lets through is reported UNENCRYPTED.</summary>
[Trait("Category", "Unit")]
public sealed class AllowUnencryptedTests
{
    [Theory]
    [InlineData("verify-backup", "/b/x.dump", "--allow-unencrypted")]
    [InlineData("restore", "--allow-unencrypted", "/b/x.dump")]
    [InlineData("restore", "/b/x.dump", "--yes", "--allow-unencrypted")]
    [InlineData("rehearse", "--allow-unencrypted")]
    public void The_verbs_that_read_a_backup_take_it(params string[] args) =>
        Assert.True(WorkerCommand.Parse(args).AllowUnencrypted);

    [Theory]
    [InlineData("verify-backup", "/b/x.dump")]
    [InlineData("restore", "/b/x.dump", "--yes")]
    [InlineData("rehearse")]
    public void Without_it_a_plain_dump_is_not_allowed(params string[] args) =>
        Assert.False(WorkerCommand.Parse(args).AllowUnencrypted);

    [Theory]
    [InlineData("backup", "--allow-unencrypted")]
    [InlineData("reset", "--allow-unencrypted")]
    [InlineData("--allow-unencrypted")]
    [InlineData("grant-admin", "a@example.com", "--allow-unencrypted")]
    public void Any_other_verb_refuses_it(params string[] args)
    {
        var error = Assert.Throws<ArgumentException>(() => WorkerCommand.Parse(args));
        Assert.Contains("--allow-unencrypted goes with verify-backup, restore or rehearse", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_dumps_check_says_UNENCRYPTED_and_an_encrypted_ones_does_not()
    {
        Assert.Contains("UNENCRYPTED", new BackupCheck(3, null, Encrypted: false).Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("UNENCRYPTED", new BackupCheck(3, null).Summary, StringComparison.Ordinal);
    }
}
