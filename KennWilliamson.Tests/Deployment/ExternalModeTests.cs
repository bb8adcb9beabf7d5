using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KennWilliamson.Tests.Infrastructure;
using Npgsql;

namespace KennWilliamson.Tests.Deployment;

/// <summary>Postgres:Mode=external against a server the test runs itself, as a deployment runs against a managed one.</summary>
[Collection(AppHostSequence.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
public sealed class ExternalModeTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _appDbPassword = AppHostFactory.Secret();
    private ExternalPostgresServer _server = null!;
    private DistributedApplication? _app;

    [Fact]
    public async Task Worker_migrates_an_external_server_and_the_api_serves_it_as_its_own_role()
    {
        using var cts = new CancellationTokenSource(AppHostFactory.StartTimeout);
        var builder = await AppHostFactory.CreateExternalAsync(_server.OwnerConnectionString, _appDbPassword, cts.Token);

        // No server in the model: the database is only a connection string.
        Assert.DoesNotContain(builder.Resources, r => r.Name.StartsWith("postgres", StringComparison.Ordinal)
            || r is ContainerResource or PostgresServerResource or KennWilliamson.Hosting.Postgres.LocalPostgresServerResource);
        Assert.Single(builder.Resources.OfType<IResourceWithConnectionString>(), r => r.Name == "kennwilliamson");

        _app = await builder.BuildAsync(cts.Token).WaitAsync(cts.Token);
        await _app.StartAsync(cts.Token).WaitAsync(cts.Token);

        var migrations = await _app.ResourceNotifications.WaitForResourceAsync("migrations",
            e => e.Snapshot.State?.Text is "Finished" or "Exited" or "FailedToStart", cts.Token).WaitAsync(cts.Token);
        Assert.Equal(0, migrations.Snapshot.ExitCode);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token).WaitAsync(cts.Token);

        using var api = _app.CreateHttpClient("api", "http");
        using var response = await api.GetAsync(new Uri("/api/health/db", UriKind.Relative)).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
        Assert.Equal("connected", body.GetProperty("database").GetString());
        Assert.Equal(Schema.MigrationVerbTests.Migrations.Length, body.GetProperty("applied_migrations").GetInt32());

        // The API's pooled connection is the least-privilege role, and the portable UUIDv7 functions serve.
        await using var connection = new NpgsqlConnection(_server.OwnerConnectionString);
        await connection.OpenAsync(cts.Token).WaitAsync(Timeout);
        await using var check = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM pg_stat_activity WHERE usename = 'kennwilliamson_app' AND datname = 'kennwilliamson'),
                   (SELECT count(*) FROM pg_extension WHERE extname = 'pg_uuidv7'),
                   uuid_v7_to_timestamptz(uuid_generate_v7()) > now() - interval '1 minute'
            """, connection);
        await using var reader = await check.ExecuteReaderAsync(cts.Token).WaitAsync(Timeout);
        Assert.True(await reader.ReadAsync(cts.Token));
        Assert.True(reader.GetInt64(0) > 0, "the API holds no connection as kennwilliamson_app");
        Assert.Equal(0, reader.GetInt64(1));
        Assert.True(reader.GetBoolean(2));
    }

    public async Task InitializeAsync() => _server = await ExternalPostgresServer.StartAsync().WaitAsync(TimeSpan.FromMinutes(3));

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromMinutes(1));
            await _app.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
