using System.Net;
using KennWilliamson.AppHost;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using KennWilliamson.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>"Back up now" on the shared application: it changes nothing, so it runs on the shared database.</summary>
[Collection(SharedApp.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
[Trait("Category", TestPostgres.NeedsClientTools)]
public sealed class BackupCommandTests(AppFixture fixture)
{
    [Fact]
    public async Task Back_up_now_writes_a_verified_dump_and_reports_success()
    {
        var before = Directory.Exists(fixture.BackupDirectory) ? Directory.GetFiles(fixture.BackupDirectory).Length : 0;

        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.BackUp)
            .WaitAsync(Scripts.Timeout);

        Assert.True(result.Success, result.Message);
        Assert.Contains("Backup done", result.Message, StringComparison.Ordinal);
        var files = Directory.GetFiles(fixture.BackupDirectory, "kennwilliamson_*.dump.gpg");
        Assert.Equal(before + 1, files.Length);
        var verify = await Scripts.RunAsync("backup-db.sh", new Dictionary<string, string> { ["BACKUP_KEY"] = fixture.BackupKey }, null, "--verify", files.Max()!);
        Assert.True(verify.ExitCode == 0, verify.ToString());
    }

    [Fact]
    public async Task Rehearse_migrations_restores_the_newest_backup_into_a_copy_reports_and_drops_it()
    {
        var backup = await fixture.App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.BackUp).WaitAsync(Scripts.Timeout);
        Assert.True(backup.Success, backup.Message);

        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.Rehearse).WaitAsync(Scripts.Timeout);

        // The shared database is current, so its backup has nothing pending.
        Assert.True(result.Success, result.Message);
        Assert.Contains("Rehearsal done: no pending migrations", result.Message, StringComparison.Ordinal);
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM pg_database WHERE datname LIKE '%\\_rehearsal\\_%'"));
    }
}

/// <summary>"Grant admin…" on the shared application: the operator's audited act, from the dashboard.</summary>
[Collection(SharedApp.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
public sealed class GrantAdminCommandTests(AppFixture fixture)
{
    [Fact]
    public async Task The_dashboard_command_asks_for_the_email_confirms_and_grants()
    {
        var user = await fixture.Api.RegisterAsync();
        var annotation = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Single(r => r.Name == "kennwilliamson").Annotations.OfType<ResourceCommandAnnotation>()
            .Single(c => c.Name == DatabaseCommands.GrantAdmin);
        Assert.False(string.IsNullOrEmpty(annotation.ConfirmationMessage));
        var input = Assert.Single(annotation.Arguments);
        Assert.True(input.Required);

        var arguments = new InteractionInputCollection([new InteractionInput
        {
            Name = DatabaseCommands.AdminEmailArgument, Label = input.Label, InputType = InputType.Text, Value = user.Email,
        }]);
        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.GrantAdmin, arguments)
            .WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(result.Success, result.Message);
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        Assert.True(await Admins.IsAdminAsync(connection, user.Id));
    }
}

/// <summary>
/// The commands that delete data (reset, purge) and the reset script on the local database, in an
/// application of their own (like FailedMigrationTests), with its API running: after a reset the API
/// still answers. Its retention is set (Audit:RetentionDays=30) to show the purge command takes it.
/// </summary>
public sealed class DestructiveCommandsApp : IAsyncLifetime
{
    public const int RetentionDays = 30;

    public string AppDbPassword { get; } = AppHostFactory.Secret();
    public IsolatedApp App { get; private set; } = null!;

    public async Task InitializeAsync() =>
        App = await IsolatedApp.StartAsync("reset", $"--Parameters:app-db-password={AppDbPassword}", $"--Audit:RetentionDays={RetentionDays}");

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

[Collection(AppHostSequence.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
public sealed class ResetCommandTests(DestructiveCommandsApp fixture) : IClassFixture<DestructiveCommandsApp>
{
    private DistributedApplication App => fixture.App.App;
    private HttpClient Api => fixture.App.Api;

    [Fact]
    public async Task Reset_with_seed_then_reset_leave_the_seed_data_then_nothing_and_the_api_keeps_working()
    {
        var account = await Api.RegisterAsync();

        var seeded = await App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.ResetWithSeed).WaitAsync(Scripts.Timeout);

        Assert.True(seeded.Success, seeded.Message);
        Assert.Contains("Reset done", seeded.Message, StringComparison.Ordinal);
        await using (var connection = await OpenAsync())
        {
            Assert.Equal(["kenn@example.com"], await connection.ColumnAsync<string>("SELECT email::text FROM users"));
            Assert.Equal(1L, await connection.ScalarAsync<long>("SELECT count(*) FROM incident_timers"));
        }
        using (var login = await Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = "kenn@example.com", password = "TestPassword1" }))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }
        using (var gone = await Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = account.Email, password = account.Password }))
        {
            await gone.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        var reset = await App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.Reset).WaitAsync(Scripts.Timeout);

        Assert.True(reset.Success, reset.Message);
        await using (var connection = await OpenAsync())
        {
            Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM users"));
            Assert.Equal(2L, await connection.ScalarAsync<long>("SELECT count(*) FROM roles"));
        }
        var again = await Api.RegisterAsync(email: account.Email);
        Assert.Equal(account.Email, again.Email);
    }

    /// <summary>
    /// An operator's shell may still export a DATABASE_URL for another database, which the worker reads: the
    /// dashboard's reset acts on the resource's database all the same, and the other is untouched.
    /// </summary>
    [Fact]
    public async Task A_DATABASE_URL_in_the_apphosts_environment_does_not_turn_the_dashboard_reset_to_another_database()
    {
        var account = await Api.RegisterAsync();
        var owner = new NpgsqlConnectionStringBuilder(await fixture.App.ConnectionStringAsync("kennwilliamson"));
        await using (var connection = await OpenAsync())
        {
            await connection.ExecuteAsync("DROP DATABASE IF EXISTS decoy");
            await connection.ExecuteAsync("CREATE DATABASE decoy");
        }
        var decoy = new NpgsqlConnectionStringBuilder(owner.ConnectionString) { Database = "decoy" }.ConnectionString;
        await using (var connection = await Connections.OpenAsync(decoy))
        {
            await connection.ExecuteAsync("CREATE TABLE users (email text); INSERT INTO users VALUES ('decoy@example.com')");
        }

        Environment.SetEnvironmentVariable("DATABASE_URL", Scripts.DatabaseUrl(decoy)); // the AppHost runs in this process
        try
        {
            var reset = await App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.Reset).WaitAsync(Scripts.Timeout);
            Assert.True(reset.Success, reset.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DATABASE_URL", null);
        }

        await using (var connection = await OpenAsync())
        {
            Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM users WHERE email = $1", account.Email));
        }
        await using (var connection = await Connections.OpenAsync(decoy))
        {
            Assert.Equal(["decoy@example.com"], await connection.ColumnAsync<string>("SELECT email FROM users"));
        }
    }

    [Fact]
    public async Task Purge_old_audit_events_deletes_what_is_older_than_the_apphosts_retention_and_says_how_many()
    {
        await using (var connection = await OpenAsync())
        {
            await connection.ExecuteAsync("DELETE FROM audit_events");
            foreach (var days in new[] { 1, DestructiveCommandsApp.RetentionDays - 1, DestructiveCommandsApp.RetentionDays + 1, 500 })
            {
                await connection.ExecuteAsync("INSERT INTO audit_events (action, occurred_at) VALUES ($1, now() - make_interval(days => $2))", $"test.{days}", days);
            }
        }

        var result = await App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", DatabaseCommands.PurgeAudit).WaitAsync(Scripts.Timeout);

        Assert.True(result.Success, result.Message);
        Assert.Contains($"Purge done: 2 audit event(s) deleted, the last {DestructiveCommandsApp.RetentionDays} days kept", result.Message, StringComparison.Ordinal);
        await using var after = await OpenAsync();
        Assert.Equal(["test.1", $"test.{DestructiveCommandsApp.RetentionDays - 1}"],
            await after.ColumnAsync<string>("SELECT action::text FROM audit_events ORDER BY occurred_at DESC"));
    }

    /// <summary>
    /// Without DATABASE_URL the script resets the local run-mode database, a development one: it seeds even
    /// from a shell that says Production, and it still asks first.
    /// </summary>
    [Fact]
    public async Task The_reset_script_without_DATABASE_URL_resets_the_local_database_with_seed_data_after_the_question()
    {
        var owner = new NpgsqlConnectionStringBuilder(await App.GetConnectionStringAsync("kennwilliamson"));
        await using (var connection = await OpenAsync())
        {
            await connection.InsertUserAsync();
        }
        var environment = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = "",
            ["Postgres__Port"] = $"{owner.Port}",
            ["Parameters__postgres-password"] = owner.Password!,
            ["AppDatabase__Password"] = fixture.AppDbPassword,
            ["KENNWILLIAMSON_WORKER"] = TestPaths.ProjectDll("KennWilliamson.MigrationService"),
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
            ["DOTNET_ENVIRONMENT"] = "Production",
        };

        var unanswered = await Scripts.RunAsync("reset-db.sh", environment, null, "--seed");
        Assert.NotEqual(0, unanswered.ExitCode);
        Assert.Contains("not confirmed: nothing was dropped (type 'kennwilliamson', or pass --yes)", unanswered.Error, StringComparison.Ordinal);
        await using (var connection = await OpenAsync())
        {
            Assert.Equal(1L, await connection.ScalarAsync<long>("SELECT count(*) FROM users"));
        }

        var result = await Scripts.RunAsync("reset-db.sh", environment, "kennwilliamson\n", "--seed");

        Assert.True(result.ExitCode == 0, result.ToString());
        await using (var connection = await OpenAsync())
        {
            Assert.Equal(["kenn@example.com"], await connection.ColumnAsync<string>("SELECT email::text FROM users"));
        }
        using var login = await Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = "kenn@example.com", password = "TestPassword1" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(await App.GetConnectionStringAsync("kennwilliamson"));
        await connection.OpenAsync().WaitAsync(SchemaSql.Timeout);
        return connection;
    }
}
