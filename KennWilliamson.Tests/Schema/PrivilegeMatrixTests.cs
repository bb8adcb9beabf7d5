using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Operations;
using Npgsql;

namespace KennWilliamson.Tests.Schema;

/// <summary>
/// After every worker verb that changes the schema or the data, the API role's and PUBLIC's privileges
/// are exactly what the worker's privilege matrix declares (read with SQL of the test's own).
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class PrivilegeMatrixTests(ApiFixture fixture) : IDisposable, IClassFixture<ApiFixture>
{
    private readonly string _backups = TestPaths.NewTempDirectory("privileges");

    [Fact]
    public async Task The_database_equals_the_privilege_matrix_after_run_reset_seed_grant_admin_revert_and_purge()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "priv_verbs");
        await using var connection = await scratch.OpenAsync();
        async Task AfterAsync(string verb, params string[] args)
        {
            var result = await scratch.RunWorkerAsync(args);
            Assert.True(result.ExitCode == 0, $"{verb}: {result}");
            await DeclaredMatrix.AssertEqualAsync(connection, verb);
        }

        await AfterAsync("run", "run");
        // Privileges granted by hand, beyond the matrix, are taken back by the next run.
        var database = new NpgsqlConnectionStringBuilder(scratch.ConnectionString).Database;
        await connection.ExecuteAsync($"""
            GRANT UPDATE, DELETE, TRUNCATE ON audit_events TO kennwilliamson_app;
            GRANT INSERT ON "__EFMigrationsHistory" TO PUBLIC;
            GRANT CREATE ON SCHEMA public TO PUBLIC;
            GRANT TEMPORARY ON DATABASE "{database}" TO kennwilliamson_app
            """);
        Assert.True(await connection.ScalarAsync<bool>("SELECT has_table_privilege('kennwilliamson_app', 'audit_events', 'UPDATE')"));
        await AfterAsync("run over privileges granted by hand", "run");
        await AfterAsync("reset", "reset", "--yes");
        await AfterAsync("reset --seed", "reset", "--seed", "--yes");
        await AfterAsync("grant-admin", "grant-admin", "kenn@example.com");
        await AfterAsync("revert", "revert");
        await AfterAsync("run after revert", "run");
        await connection.ExecuteAsync("INSERT INTO audit_events (action, occurred_at) VALUES ('test.old', now() - interval '401 days')");
        await AfterAsync("purge", "purge");
        Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE action = 'test.old'"));
    }

    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task A_restore_of_an_encrypted_or_a_plain_backup_leaves_the_privilege_matrix_and_a_rehearsal_changes_nothing()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "priv_restore");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run", "--seed")).ExitCode);
        await using var connection = await scratch.OpenAsync();
        await connection.ExecuteAsync("INSERT INTO audit_events (action) VALUES ('test.before-backup')");
        await DeclaredMatrix.AssertEqualAsync(connection, "run --seed");
        var environment = Scripts.Environment(fixture, scratch.ConnectionString);
        environment["BACKUP_DIR"] = _backups;
        environment["KENNWILLIAMSON_ENV"] = "development";
        var backup = await Scripts.RunAsync("backup-db.sh", environment, null);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var encrypted = Assert.Single(Directory.GetFiles(_backups));

        // pg_restore --clean re-creates each table under the owner's default privileges (the API's row
        // access, on the audit trail too); the dump only adds grants. The restore's last step narrows them.
        var restored = await Scripts.RunAsync("restore-db.sh", environment, null, encrypted, "--yes");
        Assert.True(restored.ExitCode == 0, restored.ToString());
        await DeclaredMatrix.AssertEqualAsync(connection, "restore of an encrypted backup");
        Assert.False(await connection.ScalarAsync<bool>("SELECT has_table_privilege('kennwilliamson_app', 'audit_events', 'UPDATE')"));
        Assert.Contains("privileges: kennwilliamson_app and PUBLIC hold what the privilege matrix declares", restored.Output, StringComparison.Ordinal);

        var plain = Path.Combine(TestPaths.NewTempDirectory("plain-dump"), "kennwilliamson_development_20200101_000000.dump");
        var dump = await PgDumpAsync(scratch.ConnectionString, plain);
        Assert.True(dump.ExitCode == 0, dump.ToString());
        var plainRestore = await Scripts.RunAsync("restore-db.sh", environment, null, PlainRestoreArguments(plain));
        Directory.Delete(Path.GetDirectoryName(plain)!, recursive: true);
        Assert.True(plainRestore.ExitCode == 0, plainRestore.ToString());
        await DeclaredMatrix.AssertEqualAsync(connection, "restore of a plain pg_dump archive");

        var privileges = await DeclaredMatrix.HeldAsync(connection);
        var rows = await Scripts.FingerprintAsync(connection);
        var rehearsal = await Scripts.RunAsync("rehearse-migrations.sh", environment, null);
        Assert.True(rehearsal.ExitCode == 0, rehearsal.ToString());
        Assert.Equal(privileges, await DeclaredMatrix.HeldAsync(connection));
        Assert.Equal(rows, await Scripts.FingerprintAsync(connection));
        await DeclaredMatrix.AssertEqualAsync(connection, "rehearse");
    }

    /// <summary>A plain archive's restore: the flag that will allow an unencrypted file goes in this one line.</summary>
    private static string[] PlainRestoreArguments(string file) => [file, "--yes", "--allow-unencrypted"];

    [Fact]
    public async Task A_privilege_the_worker_cannot_take_back_fails_the_verb_naming_it()
    {
        // A role of this test's own as the API role, so nothing shared is widened.
        var tag = Guid.NewGuid().ToString("N")[..12];
        string probe = $"priv_probe_{tag}", widener = $"priv_widener_{tag}";
        var scratch = await ScratchDatabase.CreateAsync(fixture, "priv_inherit");
        try
        {
            var first = await scratch.RunWorkerAsync("run", $"--AppDatabase:Username={probe}");
            Assert.True(first.ExitCode == 0, first.ToString());
            await using (var connection = await scratch.OpenAsync())
            {
                await DeclaredMatrix.AssertEqualAsync(connection, "run", probe);
                // Through membership of another role: REVOKE on the API role cannot take that back.
                await connection.ExecuteAsync($"CREATE ROLE {widener} NOLOGIN; GRANT UPDATE ON audit_events TO {widener}; GRANT {widener} TO {probe}");
            }

            var again = await scratch.RunWorkerAsync("run", $"--AppDatabase:Username={probe}");

            Assert.Equal(1, again.ExitCode);
            var line = Assert.Single(again.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: the privileges of priv_inherit_", line, StringComparison.Ordinal);
            Assert.Contains($"{probe} holds UPDATE on table audit_events, declared not to", line, StringComparison.Ordinal);
            Assert.DoesNotContain("lacks", line, StringComparison.Ordinal);
        }
        finally
        {
            await scratch.DisposeAsync();
            await using var server = await Connections.OpenAsync(fixture.ServerConnectionString);
            await server.ExecuteAsync($"DROP ROLE IF EXISTS {probe}; DROP ROLE IF EXISTS {widener}");
        }
    }

    /// <summary>pg_dump in custom format, unencrypted, as backups were made before encryption.</summary>
    private static Task<ProcessResult> PgDumpAsync(string connectionString, string file)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pg_dump")).Where(File.Exists)
                .OrderByDescending(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), out var major) ? major : 0).FirstOrDefault()
            : null;
        return ChildProcess.RunAsync(bin ?? "pg_dump", ["--format=custom", $"--file={file}", $"--dbname={b.Database}"], Scripts.Timeout,
            new Dictionary<string, string> { ["PGHOST"] = b.Host!, ["PGPORT"] = $"{b.Port}", ["PGUSER"] = b.Username!, ["PGPASSWORD"] = b.Password! });
    }

    public void Dispose() => Directory.Delete(_backups, recursive: true);
}
