using CsCheck;
using KennWilliamson.Api.IncidentTimers;

namespace KennWilliamson.UnitTests.Api;

/// <summary>The timer list's keyset cursor: <c>before=&lt;reset_timestamp&gt;,&lt;id&gt;</c>.</summary>
[Trait("Category", "Unit")]
public sealed class TimerCursorTests
{
    private static readonly Gen<TimerCursor> Cursor =
        Gen.Select(Gen.Long[DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks], Gen.Guid,
            (ticks, id) => new TimerCursor(new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero), id));

    [Fact]
    public void Every_cursor_survives_its_own_text() =>
        Cursor.Sample(cursor =>
        {
            Assert.True(TimerCursor.TryParse(cursor.ToString(), out var parsed));
            Assert.Equal(cursor, parsed);
        }, iter: 10_000);

    [Fact]
    public void A_cursor_with_an_offset_or_an_unencoded_plus_means_the_same_instant()
    {
        var id = Guid.CreateVersion7();
        Assert.True(TimerCursor.TryParse($"2024-05-01T14:00:00+02:00,{id}", out var offset));
        Assert.True(TimerCursor.TryParse($"2024-05-01T14:00:00 02:00,{id}", out var space));
        Assert.True(TimerCursor.TryParse($"2024-05-01T12:00:00Z , {id} ", out var padded));
        var expected = new TimerCursor(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero), id);
        Assert.Equal(expected, offset);
        Assert.Equal(expected, space);
        Assert.Equal(expected, padded);
    }

    [Fact]
    public void Sub_microsecond_digits_are_cut_as_the_database_cuts_them()
    {
        var id = Guid.CreateVersion7();
        Assert.True(TimerCursor.TryParse($"2024-05-01T12:00:00.1234567Z,{id}", out var cursor));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_560), cursor.ResetTimestamp);
        Assert.Equal("2024-05-01T12:00:00.123456Z," + id, cursor.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(",")]
    [InlineData("2024-05-01T12:00:00Z")]
    [InlineData(",0195f0a4-8a1c-7c3e-9a2b-2f4f5e6d7c8b")]
    [InlineData("2024-05-01T12:00:00Z,")]
    [InlineData("2024-05-01T12:00:00Z,not-a-guid")]
    [InlineData("yesterday,0195f0a4-8a1c-7c3e-9a2b-2f4f5e6d7c8b")]
    [InlineData("2024-13-01T12:00:00Z,0195f0a4-8a1c-7c3e-9a2b-2f4f5e6d7c8b")]
    [InlineData("99999-01-01T00:00:00Z,0195f0a4-8a1c-7c3e-9a2b-2f4f5e6d7c8b")]
    [InlineData(null)] // no before= at all
    public void Malformed_cursors_are_refused(string? text)
    {
        Assert.False(TimerCursor.TryParse(text, out var cursor));
        Assert.Equal(default, cursor);
    }

    /// <summary>Query text of any shape: refused, or read as a cursor that then reads back as itself.</summary>
    [Fact]
    public void Any_text_is_refused_or_read_as_a_cursor_that_round_trips() =>
        Gen.OneOf(Gen.String, Gen.Select(Gen.String, Gen.Guid, (time, id) => $"{time},{id}"), Gen.Select(Cursor, Gen.String, (c, tail) => c + tail))
            .Sample(text =>
            {
                if (TimerCursor.TryParse(text, out var cursor))
                {
                    Assert.True(TimerCursor.TryParse(cursor.ToString(), out var again));
                    Assert.Equal(cursor, again);
                }
            }, iter: 20_000);
}
