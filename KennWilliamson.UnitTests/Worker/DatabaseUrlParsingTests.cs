using CsCheck;
using KennWilliamson.MigrationService.Operations;
using Npgsql;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>
/// DATABASE_URL as the worker reads it, with user names and passwords full of the characters a URI
/// reserves, percent-encoded (as platforms give them) and pasted as they are (as people do). Either the
/// URL reads as exactly that user, password, host, port and database, or it is refused with a message that
/// holds no part of the credentials. "No part" here is strict: the message is, character for character, one
/// of the parser's fixed texts (DatabaseUrl.Messages), so no substring of the user name or password, of any
/// length, is in it except where the fixed text itself happens to contain those characters.
/// </summary>
[Trait("Category", "Unit")]
public sealed class DatabaseUrlParsingTests
{
    // RFC 3986's gen-delims and sub-delims, and more of what a generated password holds.
    private const string Reserved = ":/?#[]@!$&'()*+,;=";
    private const string Others = " \"<>\\^`{|}~-._";
    private const string Host = "db.example.com";
    private const int Port = 5433;
    private const string Database = "kw_data";

    /// <summary>Pasted as they are: no % (it starts an escape) and, in the user name, no : (the separator): both must be encoded.</summary>
    private static readonly Gen<string> RawUser = Gen.Char["abcXYZ019" + Reserved.Replace(":", "", StringComparison.Ordinal) + Others].Array[1, 12].Select(c => new string(c));
    private static readonly Gen<string> RawPassword = Gen.Char["aZ09" + Reserved + Others].Array[1, 24].Select(c => new string(c));
    private static readonly Gen<string> AnyText = Gen.Char["aZ09%" + Reserved + Others].Array[1, 24].Select(c => new string(c));

    [Fact]
    public void Percent_encoded_credentials_with_reserved_characters_always_read_back_exactly() =>
        Gen.Select(AnyText, AnyText).Sample((user, password) =>
        {
            var parsed = Parse($"postgresql://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}@{Host}:{Port}/{Database}?sslmode=require");
            AssertExactly(parsed, user, password);
            Assert.Equal(SslMode.Require, parsed.SslMode);
        });

    [Fact]
    public void Unencoded_credentials_read_back_exactly_or_are_refused_without_any_part_of_them() =>
        Gen.Select(RawUser, RawPassword).Sample((user, password) =>
        {
            var url = $"postgresql://{user}:{password}@{Host}:{Port}/{Database}";
            if (TryParse(url, out var parsed, out var message))
            {
                AssertExactly(parsed, user, password);
            }
            else
            {
                AssertHoldsNoPart(message, user, password);
            }
        });

    /// <summary>Unencoded credentials and something else wrong in the URL: refused every time, with none of the credentials in the message.</summary>
    [Fact]
    public void A_malformed_url_with_unencoded_credentials_is_refused_and_the_message_holds_no_part_of_them() =>
        Gen.Select(RawUser, RawPassword, Gen.Int[0, 5]).Sample((user, password, fault) =>
        {
            var url = fault switch
            {
                0 => $"postgresql://{user}:{password}@{Host}:54x3/{Database}",
                1 => $"postgresql://{user}:{password}@{Host}:99999/{Database}",
                2 => $"postgresql://{user}:{password}@db example.com/{Database}",
                3 => $"postgresql://{user}:{password}@{Host}/{Database}?sslmode=sometimes",
                4 => $"postgresql://{user}:{password}@{Host}/{Database}?not a pair",
                _ => $"mysql://{user}:{password}@{Host}/{Database}",
            };
            Assert.False(TryParse(url, out _, out var message), $"{url} was accepted");
            AssertHoldsNoPart(message, user, password);
        });

    [Theory]
    [InlineData("p@ss")]
    [InlineData("pa/ss")]
    [InlineData("pa?ss")]
    [InlineData("pa#ss")]
    [InlineData("12/ss")]
    [InlineData("x/y@z")]
    [InlineData("x@h/d")]
    [InlineData("p:q@r/s?t#u")]
    [InlineData("[::1]")]
    [InlineData("/tmp?x=1")]
    public void A_password_with_an_unencoded_reserved_character_is_the_password_where_that_is_the_only_reading(string password) =>
        AssertExactly(Parse($"postgresql://kw:{password}@{Host}:{Port}/{Database}"), "kw", password);

    /// <summary>An @ that may belong to the query as well as to the password: refused, not guessed.</summary>
    [Theory]
    [InlineData("postgresql://kw:secret@db.example.com/kw_data?application_name=me@home")]
    [InlineData("postgresql://db.example.com/kw_data?application_name=me@home")]
    [InlineData("postgresql://kw:12?application_name=x@db.example.com/kw_data")]
    public void An_at_sign_that_could_end_the_credentials_in_two_places_is_refused(string url)
    {
        Assert.False(TryParse(url, out _, out var message));
        Assert.Equal(DatabaseUrl.Ambiguous, message);
    }

    [Theory]
    [InlineData("postgresql://@", "localhost", 5432, "postgres", null, "kennwilliamson")]
    [InlineData("postgres://app@localhost/db", "localhost", 5432, "app", null, "db")]
    [InlineData("postgresql://app:pw@[::1]:6543/db", "::1", 6543, "app", "pw", "db")]
    [InlineData("postgresql://app:pw@[::1]/db", "::1", 5432, "app", "pw", "db")]
    [InlineData("postgresql://app@%2Fvar%2Frun%2Fpostgresql/db", "/var/run/postgresql", 5432, "app", null, "db")]
    [InlineData("postgresql://app:pw@h1:5432,h2:6000/db", "h1:5432,h2", 6000, "app", "pw", "db")]
    public void Well_formed_urls_read_as_before(string url, string host, int port, string user, string? password, string database)
    {
        var parsed = Parse(url);
        Assert.Equal((host, port, user, password, database), (parsed.Host, parsed.Port, parsed.Username, parsed.Password, parsed.Database));
    }

    /// <summary>
    /// The @host left out: <c>postgresql://user:38067/db</c> would read as host "user" on port 38067, and the
    /// port (a digits-only password) would then be shown in "cannot connect to … on user:38067". Refused, with
    /// a fixed text, whatever the password and whatever follows.
    /// </summary>
    [Fact]
    public void A_url_without_an_at_sign_is_refused_and_never_read_as_host_and_port() =>
        Gen.Select(RawUser.Where(u => !u.Contains('@', StringComparison.Ordinal)),
                Gen.OneOf(Gen.Int[1, 65535].Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)), RawPassword.Where(p => !p.Contains('@', StringComparison.Ordinal))),
                Gen.OneOf("", "/", $"/{Database}", $"/{Database}?sslmode=require", "?sslmode=disable"))
            .Sample((user, password, rest) =>
            {
                foreach (var url in new[] { $"postgresql://{user}:{password}{rest}", $"postgres://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}{rest}" })
                {
                    Assert.False(TryParse(url, out _, out var message), $"{url} was accepted");
                    Assert.Equal(DatabaseUrl.NoUserInfo, message);
                }
            });

    [Theory]
    [InlineData("postgresql://")]
    [InlineData("postgresql://localhost/db")]
    [InlineData("postgresql://kw:38067/kw_data")]
    [InlineData("postgresql://db.example.com:5433/kw_data?sslmode=require")]
    public void No_user_info_is_refused(string url)
    {
        Assert.False(TryParse(url, out _, out var message));
        Assert.Equal(DatabaseUrl.NoUserInfo, message);
        Assert.DoesNotContain("38067", message, StringComparison.Ordinal);
    }

    private static NpgsqlConnectionStringBuilder Parse(string url) => new(DatabaseUrl.ToConnectionString(url));

    private static bool TryParse(string url, out NpgsqlConnectionStringBuilder parsed, out string message)
    {
        try
        {
            parsed = Parse(url);
            message = "";
            return true;
        }
        catch (ArgumentException ex)
        {
            parsed = null!;
            message = ex.Message;
            return false;
        }
    }

    private static void AssertExactly(NpgsqlConnectionStringBuilder parsed, string user, string password) =>
        Assert.Equal((user, password, Host, Port, Database), (parsed.Username, parsed.Password, parsed.Host, parsed.Port, parsed.Database));

    /// <summary>The message is one of the parser's fixed texts: nothing in it came from the URL, so no part of the credentials can be.</summary>
    private static void AssertHoldsNoPart(string message, string user, string password) =>
        Assert.True(DatabaseUrl.Messages.Contains(message), $"user {user}, password {password}: the message is not one of the fixed texts: {message}");
}
