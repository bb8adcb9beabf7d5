using KennWilliamson.MigrationService;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>The worker's command line for reset (its --yes) and purge.</summary>
[Trait("Category", "Unit")]
public sealed class ResetAndPurgeArgumentTests
{
    [Theory]
    [InlineData(new[] { "reset" }, false, false)]
    [InlineData(new[] { "reset", "--yes" }, true, false)]
    [InlineData(new[] { "--yes", "reset", "--seed" }, true, true)]
    [InlineData(new[] { "restore", "/tmp/x.dump", "--yes" }, true, false)]
    public void Reset_and_restore_take_yes(string[] args, bool yes, bool seed)
    {
        var command = WorkerCommand.Parse(args);

        Assert.Equal(yes, command.Yes);
        Assert.Equal(seed, command.Seed);
    }

    [Fact]
    public void Purge_is_an_operators_verb_on_the_database_with_no_operand()
    {
        var command = WorkerCommand.Parse(["purge", "--Audit:RetentionDays=30"]);

        Assert.Equal(MigrationVerb.Purge, command.Verb);
        Assert.True(command.IsOperatorVerb);
        Assert.True(command.NeedsDatabase);
        Assert.Equal(["--Audit:RetentionDays=30"], command.Overrides);
    }

    [Theory]
    [InlineData("purge", "--seed")]
    [InlineData("purge", "--yes")]
    [InlineData("purge", "old")]
    [InlineData("backup", "--yes")]
    [InlineData("run", "--yes")]
    public void Flags_and_operands_the_verb_does_not_take_are_refused(string verb, string extra) =>
        Assert.Throws<ArgumentException>(() => WorkerCommand.Parse([verb, extra]));
}
