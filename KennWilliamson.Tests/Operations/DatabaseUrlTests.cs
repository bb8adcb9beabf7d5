using CsCheck;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// DATABASE_URL reaches the worker as it is and the worker (C#) reads it: user names and passwords with
/// the characters a URI reserves (percent-encoded, as hosting platforms give them) connect as that role.
/// </summary>
[Collection(SharedApp.Name)]
public sealed class DatabaseUrlTests(AppFixture fixture)
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
