using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Operations;
using Npgsql;

namespace KennWilliamson.Tests.Schema;

/// <summary>
/// After every worker verb that changes the schema or the data, the API role's and PUBLIC's privileges
/// are exactly what the worker's privilege matrix declares (read with SQL of the test's own).
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(91)]
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
        // Privileges granted by hand, beyond the matrix, are taken back by the next run: on tables, columns,
        // views, sequences, functions and schemas, and in the default privileges, per schema and database-wide.
        var database = new NpgsqlConnectionStringBuilder(scratch.ConnectionString).Database;
        await connection.ExecuteAsync($"""
            GRANT UPDATE, DELETE, TRUNCATE ON audit_events TO kennwilliamson_app;
            GRANT UPDATE (action) ON audit_events TO PUBLIC;
            GRANT INSERT ON "__EFMigrationsHistory" TO PUBLIC;
            GRANT CREATE ON SCHEMA public TO PUBLIC;
            GRANT TEMPORARY ON DATABASE "{database}" TO kennwilliamson_app;
            CREATE VIEW recent_audit AS SELECT * FROM audit_events;
            GRANT ALL ON recent_audit TO kennwilliamson_app;
            CREATE SEQUENCE counter;
            GRANT ALL ON SEQUENCE counter TO PUBLIC;
            GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO PUBLIC;
            CREATE FUNCTION run_as_owner(statement text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS 'BEGIN EXECUTE statement; END';
            GRANT EXECUTE ON FUNCTION run_as_owner(text) TO kennwilliamson_app;
            GRANT USAGE, CREATE ON SCHEMA monitoring TO PUBLIC;
            GRANT SELECT ON ALL TABLES IN SCHEMA monitoring TO kennwilliamson_app;
            CREATE SCHEMA extra;
            GRANT ALL ON SCHEMA extra TO kennwilliamson_app;
            ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO kennwilliamson_app;
            ALTER DEFAULT PRIVILEGES GRANT ALL ON SEQUENCES TO PUBLIC;
            ALTER DEFAULT PRIVILEGES GRANT ALL ON SCHEMAS TO kennwilliamson_app;
            ALTER DEFAULT PRIVILEGES IN SCHEMA extra GRANT ALL ON FUNCTIONS TO kennwilliamson_app;
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT TRUNCATE ON TABLES TO PUBLIC
            """);
        Assert.True(await connection.ScalarAsync<bool>("SELECT has_table_privilege('kennwilliamson_app', 'audit_events', 'UPDATE')"));
        var overHand = await scratch.RunWorkerAsync("run");
        Assert.True(overHand.ExitCode == 0, $"run over privileges granted by hand: {overHand}");
        await DeclaredMatrix.AssertEqualAsync(connection, "run over privileges granted by hand");
        // Revoked like any undeclared function, and named: it runs as its owner.
        Assert.Contains("SECURITY DEFINER routines not in the privilege matrix, runnable by their owner only: function run_as_owner(text)",
            overHand.Output, StringComparison.Ordinal);
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

    /// <summary>
    /// A hostile source database, given views (one over the audit trail, one
    /// over every role's password verifier), a SECURITY DEFINER function that runs any statement, USAGE on
    /// the monitoring schema, a schema open to PUBLIC, a sequence and a second slow_queries overload, all
    /// granted to the API role or PUBLIC. Its backup restored into another database holds exactly the matrix,
    /// and each of those ways in is refused to the API role there, while the API's own work goes on.
    /// </summary>
    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task A_restored_dump_carrying_views_a_security_definer_function_other_schemas_a_sequence_and_an_overload_ends_at_the_matrix()
    {
        await using var source = await ScratchDatabase.CreateAsync(fixture, "priv_hostile_src");
        Assert.Equal(0, (await source.RunWorkerAsync("run")).ExitCode);
        await using (var connection = await source.OpenAsync())
        {
            await connection.ExecuteAsync("""
                CREATE VIEW public.recent_audit AS SELECT * FROM audit_events;
                CREATE VIEW public.db_roles AS SELECT rolname, rolpassword FROM pg_authid;
                CREATE MATERIALIZED VIEW public.audit_copy AS SELECT * FROM audit_events;
                GRANT ALL ON public.recent_audit, public.db_roles, public.audit_copy TO kennwilliamson_app;
                CREATE FUNCTION public.run_as_owner(statement text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS 'BEGIN EXECUTE statement; END';
                GRANT EXECUTE ON FUNCTION public.run_as_owner(text) TO PUBLIC;
                GRANT USAGE ON SCHEMA monitoring TO kennwilliamson_app;
                GRANT SELECT ON ALL TABLES IN SCHEMA monitoring TO PUBLIC;
                CREATE SCHEMA extra;
                GRANT ALL ON SCHEMA extra TO PUBLIC;
                CREATE TABLE extra.notes (id int);
                GRANT ALL ON extra.notes TO PUBLIC;
                CREATE SEQUENCE public.counter;
                GRANT ALL ON SEQUENCE public.counter TO kennwilliamson_app;
                CREATE FUNCTION public.slow_queries(max_rows bigint) RETURNS SETOF text LANGUAGE sql SECURITY DEFINER
                    AS 'SELECT rolname::text FROM pg_authid LIMIT max_rows';
                GRANT EXECUTE ON FUNCTION public.slow_queries(bigint) TO kennwilliamson_app;
                GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO PUBLIC
                """);
        }
        var environment = Scripts.BackupEnvironment(fixture, _backups, source.ConnectionString);
        var backup = await Scripts.RunAsync("backup-db.sh", environment, null);
        Assert.True(backup.ExitCode == 0, backup.ToString());

        await using var target = await ScratchDatabase.CreateAsync(fixture, "priv_hostile_dst");
        Assert.Equal(0, (await target.RunWorkerAsync("run")).ExitCode);
        environment["DATABASE_URL"] = Scripts.DatabaseUrl(target.ConnectionString);
        var restored = await Scripts.RunAsync("restore-db.sh", environment, null, Assert.Single(Directory.GetFiles(_backups)), "--yes");

        Assert.True(restored.ExitCode == 0, restored.ToString());
        await using (var owner = await target.OpenAsync())
        {
            Assert.Equal(1L, await owner.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname = 'recent_audit'"));
            await DeclaredMatrix.AssertEqualAsync(owner, "restore of a dump carrying other ways in");
        }
        await using (var api = await Connections.OpenAsync(new NpgsqlConnectionStringBuilder(target.ConnectionString)
        {
            Username = DeclaredMatrix.AppRole,
            Password = fixture.AppDbPassword,
            Pooling = false,
        }.ConnectionString))
        {
            foreach (var statement in (string[])[
                "DELETE FROM public.recent_audit",
                "SELECT rolpassword FROM public.db_roles",
                "SELECT count(*) FROM public.audit_copy",
                "SELECT public.run_as_owner('SELECT 1')",
                "SELECT count(*) FROM monitoring.pg_stat_statements",
                "CREATE TABLE extra.probe (id int)",
                "SELECT count(*) FROM extra.notes",
                "SELECT nextval('public.counter')",
                "SELECT count(*) FROM public.slow_queries(5::bigint)",
                "SELECT uuid_v7_to_timestamptz(uuid_generate_v7())",
            ])
            {
                var error = await Assert.ThrowsAsync<PostgresException>(() => api.ExecuteAsync(statement));
                Assert.True(error.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{statement}: {error.SqlState} {error.MessageText}");
            }
            // What the API does: ids from uuid_generate_v7(), updated_at from the trigger, the slow-queries window.
            var id = await api.InsertUserAsync();
            Assert.Equal(1, await api.ExecuteAsync("UPDATE users SET display_name = 'After restore' WHERE id = $1", id));
            await api.ScalarAsync<long>("SELECT count(*) FROM slow_queries(5)");
        }
        Assert.Contains("SECURITY DEFINER, not in the matrix, runnable by their owner only (review them): function run_as_owner(text), function slow_queries(bigint)",
            restored.Output, StringComparison.Ordinal);
        var again = await target.RunWorkerAsync("run");
        Assert.True(again.ExitCode == 0, again.ToString());
    }

    /// <summary>
    /// A dump whose worker role had database-wide default privileges for the API role (ALTER DEFAULT
    /// PRIVILEGES FOR ROLE postgres GRANT ALL ON TABLES TO kennwilliamson_app, and on the other kinds):
    /// the restore ends at the matrix, the next run passes, and what the worker creates later gets only
    /// what the matrix declares.
    /// </summary>
    [Trait("Category", TestPostgres.NeedsClientTools)]
    [Fact]
    public async Task A_restored_dump_with_global_default_privileges_for_the_api_role_ends_at_the_matrix_and_later_runs_pass()
    {
        await using var source = await ScratchDatabase.CreateAsync(fixture, "priv_defaults_src");
        Assert.Equal(0, (await source.RunWorkerAsync("run")).ExitCode);
        await using (var connection = await source.OpenAsync())
        {
            await connection.ExecuteAsync("""
                ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT ALL ON TABLES TO kennwilliamson_app;
                ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT ALL ON SEQUENCES TO kennwilliamson_app;
                ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT ALL ON FUNCTIONS TO PUBLIC;
                ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT ALL ON TYPES TO kennwilliamson_app;
                ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT ALL ON SCHEMAS TO PUBLIC;
                ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON TABLES TO kennwilliamson_app
                """);
        }
        var environment = Scripts.BackupEnvironment(fixture, _backups, source.ConnectionString);
        var backup = await Scripts.RunAsync("backup-db.sh", environment, null);
        Assert.True(backup.ExitCode == 0, backup.ToString());

        await using var target = await ScratchDatabase.CreateAsync(fixture, "priv_defaults_dst");
        Assert.Equal(0, (await target.RunWorkerAsync("run")).ExitCode);
        environment["DATABASE_URL"] = Scripts.DatabaseUrl(target.ConnectionString);
        var restored = await Scripts.RunAsync("restore-db.sh", environment, null, Assert.Single(Directory.GetFiles(_backups)), "--yes");

        Assert.True(restored.ExitCode == 0, restored.ToString());
        await using var owner = await target.OpenAsync();
        await DeclaredMatrix.AssertEqualAsync(owner, "restore of a dump with global default privileges");
        var run = await target.RunWorkerAsync("run");
        Assert.True(run.ExitCode == 0, run.ToString());
        await DeclaredMatrix.AssertEqualAsync(owner, "run after the restore");

        // Created later by the worker's role, as a migration would: row access on the table, nothing else.
        await owner.ExecuteAsync("""
            CREATE TABLE later (id int);
            CREATE SEQUENCE later_ids;
            CREATE FUNCTION later_function() RETURNS int LANGUAGE sql AS 'SELECT 1';
            CREATE SCHEMA later_schema
            """);
        Assert.Equal(["DELETE", "INSERT", "SELECT", "UPDATE"], await owner.ColumnAsync<string>("""
            SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p
            WHERE has_table_privilege($1, 'later', p) ORDER BY 1
            """, DeclaredMatrix.AppRole));
        Assert.False(await owner.ScalarAsync<bool>("SELECT has_sequence_privilege($1, 'later_ids', 'USAGE')", DeclaredMatrix.AppRole));
        Assert.False(await owner.ScalarAsync<bool>("SELECT has_function_privilege($1, 'later_function()', 'EXECUTE')", DeclaredMatrix.AppRole));
        Assert.False(await owner.ScalarAsync<bool>("SELECT has_schema_privilege($1, 'later_schema', 'USAGE')", DeclaredMatrix.AppRole));
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
        return ChildProcess.RunAsync(PostgresMachine.FindTool("pg_dump"), ["--format=custom", $"--file={file}", $"--dbname={b.Database}"], Scripts.Timeout,
            new Dictionary<string, string> { ["PGHOST"] = b.Host!, ["PGPORT"] = $"{b.Port}", ["PGUSER"] = b.Username!, ["PGPASSWORD"] = b.Password! });
    }

    public void Dispose() => Directory.Delete(_backups, recursive: true);
}
