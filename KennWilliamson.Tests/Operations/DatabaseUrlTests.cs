using CsCheck;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// DATABASE_URL reaches the worker as it is and the worker (C#) reads it: user names and passwords with
/// the characters a URI reserves (percent-encoded, as hosting platforms give them) connect as that role.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class DatabaseUrlTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Reserved = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    [Fact]
    public async Task A_database_url_with_reserved_characters_in_user_and_password_connects_as_that_role()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_dburl");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run")).ExitCode);
        var cases = new List<(string User, string Password)>();
        Gen.Select(Gen.Char["abcxyz" + Reserved].Array[1, 12], Gen.Char["aZ09" + Reserved].Array[1, 24],
                (user, password) => ("kw_" + new string(user), new string(password)))
            .Sample(c => cases.Add(c), iter: 4, threads: 1);
        await using var owner = await scratch.OpenAsync();

        foreach (var (user, password) in cases)
        {
            var role = new NpgsqlCommandBuilder().QuoteIdentifier(user);
            await owner.ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}'");
            await owner.ExecuteAsync($"GRANT pg_read_all_data TO {role}");
            await owner.ExecuteAsync($"GRANT CONNECT ON DATABASE {new NpgsqlCommandBuilder().QuoteIdentifier(owner.Database)} TO {role}");
            try
            {
                var url = Scripts.DatabaseUrl(new NpgsqlConnectionStringBuilder(scratch.ConnectionString) { Username = user, Password = password }.ConnectionString);
                var environment = new Dictionary<string, string>(Scripts.Environment(fixture, scratch.ConnectionString)) { ["DATABASE_URL"] = url };

                // Connected and read users as that role: the email is not registered, which only a query can tell.
                var result = await Scripts.RunAsync("grant-admin.sh", environment, null, "nobody@example.com");

                Assert.NotEqual(0, result.ExitCode);
                Assert.True(result.Error.StartsWith("grant-admin.sh: No user is registered with the email 'nobody@example.com'", StringComparison.Ordinal),
                    $"user {user}, password {password}: {result}");
            }
            finally
            {
                await owner.ExecuteAsync($"REVOKE CONNECT ON DATABASE {new NpgsqlCommandBuilder().QuoteIdentifier(owner.Database)} FROM {role}");
                await owner.ExecuteAsync($"DROP ROLE {role}");
            }
        }
    }

    /// <summary>
    /// Unencoded reserved characters in the password, and a URL that is wrong besides (a bad port, a bad
    /// host, an unknown sslmode), or right but pointing at a closed port or at the server with a wrong
    /// password: the script fails with one line, and that line holds no part of the password. "No part":
    /// no run of 3 or more of the password's characters with a letter in it (the passwords' letters are
    /// capitals no message uses; runs of punctuation alone, like ://, are in the fixed texts anyway).
    /// </summary>
    [Fact]
    public async Task A_malformed_url_or_a_failed_connection_is_reported_in_one_line_without_any_part_of_the_password()
    {
        var server = new NpgsqlConnectionStringBuilder(fixture.OwnerConnectionString);
        var closed = Scripts.ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var passwords = new List<string>();
        Gen.Char["QXZJKW" + Reserved].Array[6, 20].Where(p => p.Count(char.IsAsciiLetter) >= 3).Select(p => new string(p))
            .Sample(p => passwords.Add(p), iter: 6, threads: 1);
        // The password always has an unencoded / in it: where a URL was split at the first /, that put password text in the port.
        string[] urls =
        [
            .. passwords.Take(2).Select(p => $"postgresql://kw_user:{p}/@127.0.0.1:54x3/kennwilliamson"),
            $"postgresql://kw_user:{passwords[2]}/@db example.com/kennwilliamson",
            $"postgresql://kw_user:{passwords[3]}/@127.0.0.1/kennwilliamson?sslmode=sometimes",
            $"postgresql://kw_user:{passwords[4]}/@127.0.0.1:{closed}/kennwilliamson",
            $"postgresql://postgres:{passwords[5]}/@{server.Host}:{server.Port}/{server.Database}",
        ];
        var environment = Scripts.Environment(fixture, fixture.OwnerConnectionString);

        for (var i = 0; i < urls.Length; i++)
        {
            var result = await Scripts.RunAsync("grant-admin.sh", new Dictionary<string, string>(environment) { ["DATABASE_URL"] = urls[i] }, null, "nobody@example.com");

            Assert.NotEqual(0, result.ExitCode);
            var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith(i < 4 ? "grant-admin.sh: DATABASE_URL" : "grant-admin.sh: cannot connect to kennwilliamson on", line, StringComparison.Ordinal);
            var password = passwords[i] + "/";
            for (var length = 3; length <= password.Length; length++)
            {
                for (var start = 0; start + length <= password.Length; start++)
                {
                    var part = password.Substring(start, length);
                    Assert.False(part.Any(char.IsAsciiLetter) && line.Contains(part, StringComparison.Ordinal), $"'{part}' of the password {password} is in: {line}");
                }
            }
        }
    }

    /// <summary>A stale ConnectionStrings__kennwilliamson in the shell does not turn a script to another database than DATABASE_URL names.</summary>
    [Fact]
    public async Task For_a_script_database_url_wins_over_a_connection_string_left_in_the_environment()
    {
        var environment = new Dictionary<string, string>(Scripts.Environment(fixture, fixture.OwnerConnectionString))
        {
            ["ConnectionStrings__kennwilliamson"] = $"Host=127.0.0.1;Port={Scripts.ClosedPort()};Username=postgres;Password=stale;Database=elsewhere",
        };

        var result = await Scripts.RunAsync("grant-admin.sh", environment, null, "nobody@example.com");

        Assert.StartsWith("grant-admin.sh: No user is registered with the email 'nobody@example.com'", result.Error, StringComparison.Ordinal);
    }
}
