using System.Globalization;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// libpq variables left in the operator's shell do not reach pg_dump and pg_restore: the backup and the
/// restore act on the server DATABASE_URL names (the one the report names), not on another server that
/// PGHOSTADDR points at, and not as another role PGOPTIONS sets. The other server here listens on 127.0.0.2,
/// on the same port as the test server on 127.0.0.1, with the same password and a database of the same name.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(29)]
public sealed class LibpqVariableTests(ApiFixture fixture) : IClassFixture<ApiFixture>, IDisposable
{
    private const string Elsewhere = "127.0.0.2";
    private readonly string _backups = TestPaths.NewTempDirectory("backups");

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task PGHOSTADDR_and_PGOPTIONS_pointing_elsewhere_do_not_move_a_backup_or_a_restore()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_libpqenv");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        await using var connection = await scratch.OpenAsync();
        var original = await Scripts.FingerprintAsync(connection);
        var target = new NpgsqlConnectionStringBuilder(scratch.ConnectionString);
        var root = TestPaths.NewTempDirectory("elsewhere");
        var other = await PostgresCluster.InitAsync(TestPostgres.BinDirectory, Path.Combine(root, "data"), target.Password!);
        try
        {
            await other.StartAsync(target.Port, $"listen_addresses={Elsewhere}");
            var otherDatabase = new NpgsqlConnectionStringBuilder(scratch.ConnectionString) { Host = Elsewhere, Database = "postgres", Pooling = false };
            await using (var server = await Connections.OpenAsync(otherDatabase.ConnectionString))
            {
                await server.ExecuteAsync($"CREATE DATABASE \"{target.Database}\"");
            }
            otherDatabase.Database = target.Database;
            await using var elsewhere = await Connections.OpenAsync(otherDatabase.ConnectionString);
            await elsewhere.ExecuteAsync("CREATE TABLE elsewhere (id serial PRIMARY KEY, note text); INSERT INTO elsewhere (note) VALUES ('the other server')");
            var otherBefore = await Scripts.FingerprintAsync(elsewhere);
            // A role with no rights: a pg_dump running as it could read nothing.
            var nobody = $"kw_nobody_{Guid.NewGuid():N}";
            await connection.ExecuteAsync($"CREATE ROLE {nobody} NOLOGIN");
            try
            {
                var environment = Scripts.BackupEnvironment(fixture, _backups, scratch.ConnectionString);
                var hostAddress = new Dictionary<string, string>(environment) { ["PGHOSTADDR"] = Elsewhere };
                var options = new Dictionary<string, string>(environment) { ["PGOPTIONS"] = $"-c role={nobody}" };

                var backup = await Scripts.RunAsync("backup-db.sh", hostAddress, null);
                var asNobody = await Scripts.RunAsync("backup-db.sh", options, null);

                Assert.True(backup.ExitCode == 0, backup.ToString());
                Assert.Contains($"Backing up {target.Database} on 127.0.0.1:{target.Port.ToString(CultureInfo.InvariantCulture)}", backup.Output, StringComparison.Ordinal);
                Assert.True(asNobody.ExitCode == 0, asNobody.ToString());
                var file = Directory.GetFiles(_backups).Order(StringComparer.Ordinal).First();

                await connection.ExecuteAsync("DELETE FROM incident_timers");
                var restore = await Scripts.RunAsync("restore-db.sh", hostAddress, null, file, "--yes");

                Assert.True(restore.ExitCode == 0, restore.ToString());
                // The backup held this server's rows, and the restore put them back here; the other server was never touched.
                Assert.Equal(original, await Scripts.FingerprintAsync(connection));
                Assert.Equal(otherBefore, await Scripts.FingerprintAsync(elsewhere));
            }
            finally
            {
                await connection.ExecuteAsync($"DROP ROLE {nobody}");
            }
        }
        finally
        {
            await other.StopAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    public void Dispose() => Directory.Delete(_backups, recursive: true);
}
