using CsCheck;
using KennWilliamson.MigrationService.Operations;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>
/// Standard input that is no input: descriptor 0 a pipe whose writing end the worker itself holds (the .NET
/// runtime's own pipe, where a closed input was). A question then answers nothing instead of waiting.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ClosedStandardInputTests
{
    private const int ReadOnly = 0, WriteOnly = 1, ReadWrite = 2, CloseOnExec = 0x80000, NonBlocking = 0x800;

    /// <summary>What the worker's descriptors were when it was started with <c>&lt;&amp;-</c>: 0 and 4 read the runtime's pipe, 3 writes it.</summary>
    [Fact]
    public void The_runtimes_own_pipe_on_descriptor_0_is_no_input() =>
        Assert.True(StandardInput.HeldForWriting("pipe:[1277801]",
            [("pipe:[1277801]", WriteOnly | CloseOnExec), ("pipe:[1277801]", CloseOnExec), ("/dev/null", 0x8000), ("pipe:[1277813]", WriteOnly | CloseOnExec)]));

    /// <summary>A parent's pipe (its writing end elsewhere), a file, /dev/null, a terminal: real input, even when this process has other pipes or reads the same one twice.</summary>
    [Theory]
    [InlineData("pipe:[1277849]")]
    [InlineData("/tmp/answers.txt")]
    [InlineData("/dev/null")]
    [InlineData("/dev/pts/3")]
    public void Input_from_elsewhere_is_input(string zero) =>
        Assert.False(StandardInput.HeldForWriting(zero,
            [(zero, ReadOnly | CloseOnExec), ("pipe:[1277854]", WriteOnly | CloseOnExec), ("pipe:[1277854]", CloseOnExec), ("/dev/null", 0x8000)]));

    [Fact]
    public void Only_a_writing_end_of_that_same_pipe_counts() =>
        Gen.Select(Gen.Int[1, 9999], Gen.Int[1, 9999], Gen.OneOf(ReadOnly, WriteOnly, ReadWrite), Gen.OneOf(0, CloseOnExec, NonBlocking, CloseOnExec | NonBlocking), Gen.Bool)
            .Sample((zeroInode, otherInode, access, extra, unreadable) =>
            {
                var zero = $"pipe:[{zeroInode}]";
                var other = $"pipe:[{otherInode}]";
                int? flags = unreadable ? null : access | extra;

                var closed = StandardInput.HeldForWriting(zero, [(other, flags)]);

                Assert.Equal(zeroInode == otherInode && !unreadable && access == WriteOnly, closed);
            });
}
