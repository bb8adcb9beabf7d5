using CsCheck;
using KennWilliamson.Api.Admin;
using KennWilliamson.Api.Accounts;
using KennWilliamson.Api.IncidentTimers;
using KennWilliamson.Api.Infrastructure;

namespace KennWilliamson.UnitTests.Api;

/// <summary>The request records' own rules: each failure names its field in snake_case, as the 400 body does.</summary>
[Trait("Category", "Unit")]
public sealed class RequestValidationTests
{
    private static Dictionary<string, string[]> Errors(IValidatable request)
    {
        var errors = new FieldErrors();
        request.Validate(errors);
        return errors.ToDictionary();
    }

    [Fact]
    public void A_good_registration_is_valid() =>
        Assert.Empty(Errors(new RegisterRequest("someone@example.com", "CorrectHorse9", "Someone")));

    [Theory]
    [InlineData(null, "CorrectHorse9", "Name", "email", "email is required")]
    [InlineData("   ", "CorrectHorse9", "Name", "email", "email is required")]
    [InlineData("no-at-sign", "CorrectHorse9", "Name", "email", "email must be a valid email address")]
    [InlineData("two@@example.com", "CorrectHorse9", "Name", "email", "email must be a valid email address")]
    [InlineData(" padded@example.com", "CorrectHorse9", "Name", "email", "email must be a valid email address")]
    [InlineData("Name <a@example.com>", "CorrectHorse9", "Name", "email", "email must be a valid email address")]
    [InlineData("a@example.com", null, "Name", "password", "password is required")]
    [InlineData("a@example.com", "short", "Name", "password", "password must be between 8 and 128 characters")]
    [InlineData("a@example.com", "CorrectHorse9", null, "display_name", "display_name is required")]
    [InlineData("a@example.com", "CorrectHorse9", "  ", "display_name", "display_name is required")]
    public void A_bad_registration_names_its_field(string? email, string? password, string? displayName, string field, string message)
    {
        var errors = Errors(new RegisterRequest(email, password, displayName));
        Assert.Equal([field], errors.Keys);
        Assert.Equal(message, errors[field][0]);
    }

    [Fact]
    public void Registration_lengths_are_bounded_at_their_edges()
    {
        var email = new string('a', 243) + "@example.com"; // 255 characters
        Assert.Empty(Errors(new RegisterRequest(email, new string('p', 128), new string('d', 100))));
        Assert.Equal(["email"], Errors(new RegisterRequest("a" + email, "CorrectHorse9", "Name")).Keys);
        Assert.Equal(["password"], Errors(new RegisterRequest("a@example.com", new string('p', 129), "Name")).Keys);
        Assert.Empty(Errors(new RegisterRequest("a@example.com", new string('p', 8), "Name")));
        Assert.Equal(["display_name"], Errors(new RegisterRequest("a@example.com", "CorrectHorse9", new string('d', 101))).Keys);
        // Surrounding spaces are trimmed before the display name's length counts.
        Assert.Empty(Errors(new RegisterRequest("a@example.com", "CorrectHorse9", "  " + new string('d', 100) + "  ")));
    }

    [Fact]
    public void Every_field_of_an_empty_registration_is_named_at_once() =>
        Assert.Equal(["display_name", "email", "password"], Errors(new RegisterRequest(null, null, null)).Keys.Order(StringComparer.Ordinal));

    [Theory]
    [InlineData(null, "x", "email")]
    [InlineData("a@example.com", "", "password")]
    public void A_login_needs_both_fields(string? email, string? password, string field) =>
        Assert.Equal([field], Errors(new LoginRequest(email, password)).Keys);

    [Fact]
    public void A_login_does_not_judge_the_email_format_but_bounds_both_lengths()
    {
        Assert.Empty(Errors(new LoginRequest("not an email", "x")));
        Assert.Equal(["email"], Errors(new LoginRequest(new string('e', 256), "x")).Keys);
        Assert.Equal(["password"], Errors(new LoginRequest("a@example.com", new string('p', 129))).Keys);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("token", false)]
    public void A_refresh_needs_a_token_of_at_most_200_characters(string? token, bool invalid)
    {
        Assert.Equal(invalid, Errors(new RefreshRequest(token)).ContainsKey("refresh_token"));
        Assert.True(Errors(new RefreshRequest(new string('t', 201))).ContainsKey("refresh_token"));
        Assert.Empty(Errors(new RefreshRequest(new string('t', 200))));
    }

    [Fact]
    public void Timer_notes_are_bounded_and_any_representable_time_is_taken()
    {
        Assert.Empty(Errors(new TimerRequest(DateTimeOffset.UtcNow, new string('n', TimerRequest.MaxNotesLength))));
        Assert.Equal(["notes"], Errors(new TimerRequest(null, new string('n', TimerRequest.MaxNotesLength + 1))).Keys);
        Assert.Empty(Errors(new TimerRequest(DateTimeOffset.MinValue, null)));
        Assert.Empty(Errors(new TimerRequest(DateTimeOffset.MaxValue.ToOffset(TimeSpan.FromHours(-14)), null)));
    }

    [Fact]
    public void A_stored_time_is_utc_cut_to_microseconds_and_the_same_instant_within_one() =>
        Gen.Select(Gen.Long[DateTimeOffset.MinValue.UtcTicks + TimeSpan.TicksPerDay, DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerDay], Gen.Int[-14 * 60, 14 * 60])
            .Sample((ticks, offsetMinutes) =>
            {
                var value = new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));
                var stored = TimerRequest.ToStored(value);
                Assert.Equal(TimeSpan.Zero, stored.Offset);
                Assert.Equal(0, stored.UtcTicks % 10);
                Assert.InRange(value.UtcTicks - stored.UtcTicks, 0, 9);
            });

    [Theory]
    [InlineData(null, true)]
    [InlineData(1, true)]
    [InlineData(500, true)]
    [InlineData(0, false)]
    [InlineData(501, false)]
    [InlineData(-1, false)]
    [InlineData(int.MinValue, false)]
    public void The_timer_list_takes_a_limit_from_1_to_500(int? limit, bool valid)
    {
        var request = new TimerPageRequest { Limit = limit };
        var errors = Errors(request);
        Assert.Equal(valid, errors.Count == 0);
        if (valid)
        {
            Assert.Equal(limit ?? TimerPageRequest.DefaultLimit, request.PageSize);
        }
        else
        {
            Assert.Equal("limit", Assert.Single(errors.Keys));
        }
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(1, true)]
    [InlineData(Paging.MaxPage, true)]
    [InlineData(Paging.MaxPage + 1, false)]
    [InlineData(int.MaxValue, false)]
    public void An_admin_page_beyond_the_last_that_fits_is_refused(int? page, bool valid) =>
        Assert.Equal(valid, Errors(new PageQuery(page, null)).Count == 0);

    [Fact]
    public void Paging_clamps_and_its_offset_never_overflows() =>
        Gen.Select(Gen.Int.Nullable(), Gen.Int.Nullable()).Sample((page, size) =>
        {
            var paging = Paging.From(new PageQuery(page, size));
            Assert.InRange(paging.Page, 1, Paging.MaxPage);
            Assert.InRange(paging.PageSize, 1, Paging.MaxPageSize);
            Assert.Equal((long)(paging.Page - 1) * paging.PageSize, paging.Skip);
        });

    [Fact]
    public void Paging_defaults_to_the_first_page_of_fifty()
    {
        var paging = Paging.From(new PageQuery(null, null));
        Assert.Equal((1, Paging.DefaultPageSize, 0), (paging.Page, paging.PageSize, paging.Skip));
    }

    [Fact]
    public void The_slug_preview_applies_the_display_name_rule()
    {
        Assert.Equal(["display_name"], Errors(new PreviewSlugRequest(null)).Keys);
        Assert.Empty(Errors(new PreviewSlugRequest("Someone")));
    }

    [Fact]
    public void Field_errors_keep_every_message_of_a_field_in_order_and_the_first_is_the_summary()
    {
        var errors = new FieldErrors();
        Assert.True(errors.IsEmpty);
        errors.Add("email", "first");
        errors.Add("password", "second");
        errors.Add("email", "third");
        Assert.False(errors.IsEmpty);
        Assert.Equal("first", errors.FirstMessage);
        Assert.Equal(["first", "third"], errors.ToDictionary()["email"]);
    }

    [Theory]
    [InlineData(null, 0, 5, false)]
    [InlineData("", 1, 5, true)]
    [InlineData("abcde", 1, 5, false)]
    [InlineData("abcdef", 1, 5, true)]
    [InlineData("abcdef", 0, 5, true)]
    public void A_length_rule_ignores_a_missing_value_and_counts_characters(string? value, int min, int max, bool invalid)
    {
        var errors = new FieldErrors();
        errors.Length("field", value, min, max);
        Assert.Equal(invalid, !errors.IsEmpty);
        if (invalid)
        {
            Assert.Equal(min > 0 ? $"field must be between {min} and {max} characters" : $"field must be at most {max} characters", errors.FirstMessage);
        }
    }
}
