using System.Text.RegularExpressions;
using KennWilliamson.Data.Security;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>scripts/reset-db.sh, backup-db.sh and restore-db.sh, each against a scratch database of its own.</summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed partial class ScriptTests(ApiFixture fixture) : IDisposable, IClassFixture<ApiFixture>
{
    private readonly string _backups = TestPaths.NewTempDirectory("backups");

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

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task Backup_then_delete_then_restore_brings_back_every_row_and_without_confirmation_nothing_changes()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_restore");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        await using var connection = await scratch.OpenAsync();
        for (var i = 0; i < 5; i++)
        {
            var id = await connection.InsertUserAsync();
            await connection.ExecuteAsync("INSERT INTO incident_timers (user_id, notes) VALUES ($1, $2), ($1, NULL)", id, $"timer {i}");
        }
        var original = await Scripts.FingerprintAsync(connection);
        var environment = BackupEnvironment(scratch.ConnectionString);

        var backup = await Scripts.RunAsync("backup-db.sh", environment, null);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var file = Assert.Single(Directory.GetFiles(_backups));
        Assert.Matches(BackupName(), Path.GetFileName(file));

        await connection.ExecuteAsync("DELETE FROM users WHERE email <> 'kenn@example.com'");
        await connection.ExecuteAsync("DELETE FROM roles WHERE name = 'admin'");
        var damaged = await Scripts.FingerprintAsync(connection);
        Assert.NotEqual(original, damaged);

        // No --yes: no answer (closed stdin), then a wrong one. Nothing changes either time.
        var unanswered = await Scripts.RunAsync("restore-db.sh", environment, null, file);
        Assert.NotEqual(0, unanswered.ExitCode);
        Assert.Contains("not confirmed", unanswered.Error, StringComparison.Ordinal);
        var wrong = await Scripts.RunAsync("restore-db.sh", environment, "kennwilliamson\n", file);
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Equal(damaged, await Scripts.FingerprintAsync(connection));

        var restored = await Scripts.RunAsync("restore-db.sh", environment, null, file, "--yes");

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Matches(@"users\s+6\n", restored.Output);
        Assert.Matches(@"incident_timers\s+11\n", restored.Output);
        Assert.Equal(original, await Scripts.FingerprintAsync(connection));

        // Typing the database's name is the other way to confirm.
        await connection.ExecuteAsync("DELETE FROM incident_timers");
        var name = new NpgsqlConnectionStringBuilder(scratch.ConnectionString).Database!;
        var typed = await Scripts.RunAsync("restore-db.sh", environment, name + "\n", file);
        Assert.True(typed.ExitCode == 0, typed.ToString());
        Assert.Equal(original, await Scripts.FingerprintAsync(connection));
    }
    private Dictionary<string, string> BackupEnvironment(string connectionString)
    {
        var environment = Scripts.Environment(fixture, connectionString);
        environment["BACKUP_DIR"] = _backups;
        environment["KENNWILLIAMSON_ENV"] = "development";
        return environment;
    }

    [GeneratedRegex(@"^kennwilliamson_development_\d{8}_\d{6}\.dump\.gpg$")]
    private static partial Regex BackupName();

    public void Dispose() => Directory.Delete(_backups, recursive: true);
}
