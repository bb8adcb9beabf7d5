using System.Globalization;
using CsCheck;
using KennWilliamson.MigrationService.Operations;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>Audit:RetentionDays: a whole number of days from 1 to 36,500, else a clear error; 400 when unset.</summary>
[Trait("Category", "Unit")]
public sealed class AuditRetentionTests
{
    [Fact]
    public void Unset_or_empty_keeps_400_days()
    {
        Assert.Equal(400, AuditRetention.Parse(null));
        Assert.Equal(400, AuditRetention.Parse(""));
    }

    [Fact]
    public void Every_whole_number_of_days_from_1_to_36500_is_taken_as_written() =>
        Gen.Int[1, AuditRetention.MaxDays].Sample(days =>
        {
            Assert.Equal(days, AuditRetention.Parse(days.ToString(CultureInfo.InvariantCulture)));
            Assert.Equal(days, AuditRetention.Parse("000" + days.ToString(CultureInfo.InvariantCulture)));
        });

    [Fact]
    public void Anything_else_is_refused_with_one_line_saying_what_is_allowed() =>
        Gen.OneOf(
            Gen.String,
            Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture)),
            Gen.Double.Select(d => d.ToString(CultureInfo.InvariantCulture)),
            Gen.OneOf("0", "-1", "36501", "2147483648", "99999999999999999999", " 30", "30 ", "+30", "1e3", "30\n", "1,000", "٣٠", "30 days"))
        .Where(text => text.Length > 0 && !(text.All(char.IsAsciiDigit) && long.TryParse(text, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= AuditRetention.MaxDays))
        .Sample(text =>
        {
            var error = Assert.Throws<InvalidOperationException>(() => { _ = AuditRetention.Parse(text); });
            Assert.EndsWith("; use a whole number of days from 1 to 36,500.", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
        }, iter: 5_000);
}
