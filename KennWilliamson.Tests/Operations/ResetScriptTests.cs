using KennWilliamson.Data.Security;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// scripts/reset-db.sh: what a reset leaves, and against DATABASE_URL (as an operator's shell has it after exporting it
/// for a production backup) it asks for the database's name and seeds only in the Development environment (the worker's).
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(39)]
public sealed class ResetScriptTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Reset_with_seed_leaves_exactly_the_seed_data_prints_a_summary_and_the_app_role_still_works()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_reset");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run")).ExitCode);
        await using (var before = await scratch.OpenAsync())
        {
            var id = await before.InsertUserAsync();
            await before.ExecuteAsync("INSERT INTO incident_timers (user_id) VALUES ($1)", id);
        }

        var result = await Scripts.RunAsync("reset-db.sh", Scripts.Environment(fixture, scratch.ConnectionString), null, "--seed", "--yes");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Reset done", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"users\s+1\n", result.Output);
        Assert.Matches(@"incident_timers\s+1\n", result.Output);
        Assert.Contains("verified: uuid_generate_v7() answers", result.Output, StringComparison.Ordinal);

        await using var connection = await scratch.OpenAsync();
        var users = await connection.RowsAsync("SELECT email, display_name, slug, password_hash FROM users");
        var user = Assert.Single(users);
        Assert.Equal(["kenn@example.com", "Kenn", "kenn"], user.Take(3).Cast<string>());
        Assert.True(PasswordHasher.Verify("TestPassword1", (string)user[3]!));
        Assert.Equal(["user"], await connection.ColumnAsync<string>(
            "SELECT r.name::text FROM user_roles ur JOIN roles r ON r.id = ur.role_id"));
        Assert.Equal(1L, await connection.ScalarAsync<long>("SELECT count(*) FROM incident_timers"));
        Assert.Equal(["admin", "user"], await connection.ColumnAsync<string>("SELECT name::text FROM roles ORDER BY name"));
        Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM refresh_tokens"));
        Assert.Equal(3L, await connection.ScalarAsync<long>(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'update\\_%\\_updated\\_at'"));

        // The API's role reads and writes the new tables.
        await using var app = await Connections.OpenAsync(new NpgsqlConnectionStringBuilder(scratch.ConnectionString)
        {
            Username = "kennwilliamson_app",
            Password = fixture.AppDbPassword,
        }.ConnectionString);
        await app.ExecuteAsync("UPDATE incident_timers SET notes = 'after reset'");
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM users"));
    }

    [Fact]
    public async Task Reset_against_an_unreachable_database_exits_non_zero_with_a_one_line_reason()
    {
        var environment = Scripts.Environment(fixture, fixture.OwnerConnectionString);
        environment["DATABASE_URL"] = $"postgresql://postgres:secret@127.0.0.1:{Scripts.ClosedPort()}/kennwilliamson";

        var result = await Scripts.RunAsync("reset-db.sh", environment, null);

        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("reset-db.sh: cannot connect to kennwilliamson on 127.0.0.1:", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reset_of_a_DATABASE_URL_asks_for_its_name_and_without_the_right_answer_drops_nothing()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_confirm");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run")).ExitCode);
        await using var connection = await scratch.OpenAsync();
        await AddUserWithTimerAndAuditEventAsync(connection);
        var before = await Scripts.FingerprintAsync(connection);
        var name = new NpgsqlConnectionStringBuilder(scratch.ConnectionString).Database!;
        var environment = Scripts.Environment(fixture, scratch.ConnectionString);

        // No answer (closed input), another database's name, the name in other letters, an empty line.
        foreach (var answer in new string?[] { null, "kennwilliamson\n", name.ToUpperInvariant() + "\n", "\n" })
        {
            var refused = await Scripts.RunAsync("reset-db.sh", environment, answer);

            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains($"Type the database name ({name}) to continue:", refused.Output, StringComparison.Ordinal);
            var line = Assert.Single(refused.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal($"reset-db.sh: not confirmed: nothing was dropped (type '{name}', or pass --yes)", line);
            Assert.Equal(before, await Scripts.FingerprintAsync(connection));
        }

        var typed = await Scripts.RunAsync("reset-db.sh", environment, $"  {name}\n");

        Assert.True(typed.ExitCode == 0, typed.ToString());
        Assert.Contains("Reset done", typed.Output, StringComparison.Ordinal);
        Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM users"));
        Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM audit_events"));

        await AddUserWithTimerAndAuditEventAsync(connection);
        var yes = await Scripts.RunAsync("reset-db.sh", environment, null, "--yes");

        Assert.True(yes.ExitCode == 0, yes.ToString());
        Assert.DoesNotContain("Type the database name", yes.Output, StringComparison.Ordinal);
        Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM users"));
    }

    /// <summary>
    /// The worker's environment is the host's (DOTNET_ENVIRONMENT, Production when unset), for the script
    /// and for the worker run by hand alike: ASPNETCORE_ENVIRONMENT=Development alone does not make it
    /// Development, and naming another environment it still refuses.
    /// </summary>
    [Fact]
    public async Task Seed_outside_the_development_environment_is_refused_with_how_to_override_and_changes_nothing()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_seedenv");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run")).ExitCode);
        await using var connection = await scratch.OpenAsync();
        await AddUserWithTimerAndAuditEventAsync(connection);
        var before = await Scripts.FingerprintAsync(connection);

        // ASPNETCORE_ENVIRONMENT's Development alone, unset (null: removed, not empty), said outright, and a Development contradicted.
        (string? Dotnet, string? AspNetCore, string Said)[] environments =
        [
            (null, "Development", "here it is Production (DOTNET_ENVIRONMENT is not set; ASPNETCORE_ENVIRONMENT=Development does not decide the worker's environment)."),
            (null, null, "here it is Production (DOTNET_ENVIRONMENT is not set)."),
            ("Production", null, "here it is Production (DOTNET_ENVIRONMENT=Production)."),
            ("Development", "Staging", "here it is Development (DOTNET_ENVIRONMENT=Development; ASPNETCORE_ENVIRONMENT=Staging names another)."),
        ];
        foreach (var (dotnet, aspNetCore, said) in environments)
        {
            var environment = Scripts.Environment(fixture, scratch.ConnectionString);
            var worker = new Dictionary<string, string>
            {
                ["ConnectionStrings__kennwilliamson"] = scratch.ConnectionString,
                ["AppDatabase__Password"] = fixture.AppDbPassword,
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
            };
            var unset = new List<string>();
            foreach (var (name, value) in new[] { ("DOTNET_ENVIRONMENT", dotnet), ("ASPNETCORE_ENVIRONMENT", aspNetCore) })
            {
                if (value is null)
                {
                    unset.Add(name);
                }
                else
                {
                    environment[name] = worker[name] = value;
                }
            }

            var script = await Scripts.RunUnsetAsync("reset-db.sh", environment, unset, "--seed", "--yes");
            var direct = await ChildProcess.RunAsync("env", [.. unset.SelectMany(v => new[] { "-u", v }), "dotnet", TestPaths.ProjectDll("KennWilliamson.MigrationService"), "run", "--seed"],
                TimeSpan.FromMinutes(2), worker);

            Assert.NotEqual(0, script.ExitCode);
            var line = Assert.Single(script.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("reset-db.sh: --seed adds a user with a published password and runs only in the Development environment; ", line, StringComparison.Ordinal);
            Assert.Contains(said, line, StringComparison.Ordinal);
            Assert.Contains("For a development database set DOTNET_ENVIRONMENT=Development", line, StringComparison.Ordinal);
            Assert.DoesNotContain("Resetting", script.Output, StringComparison.Ordinal);
            Assert.NotEqual(0, direct.ExitCode);
            Assert.StartsWith("error: --seed adds a user with a published password", Assert.Single(direct.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
            Assert.Contains(said, direct.Error, StringComparison.Ordinal);
            Assert.Equal(before, await Scripts.FingerprintAsync(connection));
        }

        // In Development (any letter case) it seeds.
        var development = Scripts.Environment(fixture, scratch.ConnectionString);
        development["DOTNET_ENVIRONMENT"] = "development";
        var seeded = await Scripts.RunAsync("reset-db.sh", development, null, "--seed", "--yes");
        Assert.True(seeded.ExitCode == 0, seeded.ToString());
        Assert.Equal(["kenn@example.com"], await connection.ColumnAsync<string>("SELECT email::text FROM users"));
    }

    private static async Task AddUserWithTimerAndAuditEventAsync(NpgsqlConnection connection)
    {
        var id = await connection.InsertUserAsync();
        await connection.ExecuteAsync("INSERT INTO incident_timers (user_id, notes) VALUES ($1, 'kept')", id);
        await connection.ExecuteAsync("INSERT INTO audit_events (action, target) VALUES ('test.kept', $1)", $"user:{id}");
    }
}
