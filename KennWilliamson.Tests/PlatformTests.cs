using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests;

/// <summary>Local mode as the AppHost runs it: every resource up, the worker finished, the server's settings.</summary>
[Collection(SharedApp.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
public sealed class PlatformTests(AppFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Local_mode_starts_every_resource_and_the_database_answers()
    {
        var notifications = fixture.App.ResourceNotifications;
        await notifications.WaitForResourceHealthyAsync("postgres").WaitAsync(Timeout);
        await notifications.WaitForResourceHealthyAsync("kennwilliamson").WaitAsync(Timeout);
        await notifications.WaitForResourceHealthyAsync("api").WaitAsync(Timeout);

        var migrations = await notifications
            .WaitForResourceAsync("migrations", e => e.Snapshot.State?.Text == KnownResourceStates.Finished)
            .WaitAsync(Timeout);
        Assert.Equal(0, migrations.Snapshot.ExitCode);

        using var response = await fixture.Api.GetAsync(new Uri("/api/health/db", UriKind.Relative)).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("connected", body.GetProperty("database").GetString());
        Assert.Equal(Schema.MigrationVerbTests.Migrations.Length, body.GetProperty("applied_migrations").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task Pg_stat_statements_is_preloaded()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        await using var command = new Npgsql.NpgsqlCommand("SHOW shared_preload_libraries", connection);
        Assert.Contains("pg_stat_statements", (string)(await command.ExecuteScalarAsync())!);
    }
}
