using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// Taking over the original backend's (SQLx) database: a scratch database built like the original
/// (original-sqlx-schema.sql, with postgres/uuidv7.sql standing in for the pg_uuidv7 extension) is
/// adopted by the worker; bcrypt passwords log in through the shared API and are upgraded.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(25)]
public sealed class AdoptionTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_worker_adopts_the_original_database_keeps_every_row_and_brings_the_schema_to_the_design()
    {
        await using var scratch = await OriginalDatabaseAsync();
        await using var connection = await scratch.OpenAsync();
        var hash = BCrypt.Net.BCrypt.HashPassword("OriginalPassword1", 12);
        Assert.StartsWith("$2", hash, StringComparison.Ordinal);
        var admin = await connection.ScalarAsync<Guid>(
            "INSERT INTO users (email, password_hash, display_name, slug) VALUES ('admin@example.com', $1, 'Admin', 'admin') RETURNING id", hash);
        var alice = await connection.ScalarAsync<Guid>(
            "INSERT INTO users (email, password_hash, display_name, slug) VALUES ('Alice@Example.com', $1, 'Alice', 'alice') RETURNING id", hash);
        await connection.ExecuteAsync(
            "INSERT INTO user_roles (user_id, role_id, assigned_by) SELECT $1, id, $2 FROM roles WHERE name = 'user'", alice, admin);
        await connection.ExecuteAsync(
            "INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM roles", admin);
        await connection.ExecuteAsync("""
            INSERT INTO incident_timers (user_id, reset_timestamp, notes) VALUES
              ($1, now() - interval '3 days', 'first'), ($1, now() - interval '1 day', NULL), ($2, now(), 'admin''s')
            """, alice, admin);
        var before = await Scripts.FingerprintAsync(connection);
        var sqlxInstalledOn = await connection.ColumnAsync<DateTime>("SELECT installed_on FROM _sqlx_migrations ORDER BY version");

        var run = await scratch.RunWorkerAsync("run");

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("Adopting the original backend's database", run.Output, StringComparison.Ordinal);
        var after = await Scripts.FingerprintAsync(connection);
        foreach (var table in before.Keys)
        {
            Assert.Equal(before[table], after[table]);
        }
        Assert.Equal("0 rows, md5 d41d8cd98f00b204e9800998ecf8427e", after["refresh_tokens"]);

        var history = await connection.RowsAsync("""SELECT migration_id, applied_at FROM "__EFMigrationsHistory" ORDER BY migration_id""");
        Assert.Equal(MigrationVerbTests.Migrations, history.Select(r => (string)r[0]!));
        Assert.Equal(sqlxInstalledOn, history.Take(4).Select(r => (DateTime)r[1]!));
        var info = await scratch.RunWorkerAsync("info");
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("20250829024919/installed create_users_table (2025-08-29 02:52:00 UTC)", info.Output, StringComparison.Ordinal);
        Assert.Contains("20250829095731/installed create_incident_timers_table (2025-08-29 09:58:01 UTC)", info.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("/pending", info.Output, StringComparison.Ordinal);

        // The design's catalog: this project's indexes only, case-insensitive email, set-null assigned_by, no slug default.
        Assert.Equal(
            [
                "idx_incident_timers_user_reset_id", "ix_roles_name", "ix_user_roles_assigned_by", "ix_user_roles_role_id",
                "ix_user_roles_user_id_role_id", "ix_users_slug", "pk_incident_timers", "pk_roles", "pk_user_roles", "pk_users",
                "ux_users_email_lower",
            ],
            await connection.ColumnAsync<string>("""
                SELECT indexrelid::regclass::text FROM pg_index
                WHERE indrelid IN ('users'::regclass, 'roles'::regclass, 'user_roles'::regclass, 'incident_timers'::regclass)
                ORDER BY 1
                """));
        // The original's index, replaced by the later keyset migration.
        Assert.Equal("CREATE INDEX idx_incident_timers_user_reset_id ON public.incident_timers USING btree (user_id, reset_timestamp DESC, id DESC)",
            await connection.ScalarAsync<string>("SELECT pg_get_indexdef('idx_incident_timers_user_reset_id'::regclass)"));
        Assert.Null(await connection.ScalarAsync<string?>(
            "SELECT column_default FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'slug'"));
        Assert.Equal(3L, await connection.ScalarAsync<long>(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'update\\_%\\_updated\\_at'"));
        var duplicate = await Assert.ThrowsAsync<PostgresException>(() => connection.InsertUserAsync("alice@example.COM"));
        Assert.Equal("ux_users_email_lower", duplicate.ConstraintName);
        await connection.DeleteUserAsync(admin);
        Assert.Null(await connection.ScalarAsync<Guid?>("SELECT assigned_by FROM user_roles WHERE user_id = $1", alice));

        // Running again changes nothing: already adopted.
        var again = await scratch.RunWorkerAsync("run");
        Assert.Equal(0, again.ExitCode);
        Assert.DoesNotContain("Adopting", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emails_that_differ_only_by_case_stop_the_adoption_with_their_names_and_change_nothing()
    {
        await using var scratch = await OriginalDatabaseAsync();
        await using var connection = await scratch.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO users (email, password_hash, display_name, slug) VALUES
              ('Bob@example.com', 'x', 'Bob', 'bob'), ('bob@example.com', 'x', 'Bob 2', 'bob-2'), ('carol@example.com', 'x', 'Carol', 'carol')
            """);
        var before = await Scripts.FingerprintAsync(connection);

        var run = await scratch.RunWorkerAsync("run");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Bob@example.com, bob@example.com", run.Output + run.Error, StringComparison.Ordinal);
        Assert.Equal(before, await Scripts.FingerprintAsync(connection));
        Assert.NotNull(await connection.ScalarAsync<string?>("SELECT conname::text FROM pg_constraint WHERE conname = 'users_email_key'"));
    }

    [Fact]
    public async Task A_user_with_a_bcrypt_hash_logs_in_and_the_hash_is_upgraded_to_pbkdf2()
    {
        var email = ApiClient.UniqueEmail("bcrypt");
        const string password = "OriginalPassword1";
        await using (var owner = await Connections.OpenAsync(fixture.OwnerConnectionString))
        {
            var id = await owner.ScalarAsync<Guid>(
                "INSERT INTO users (email, password_hash, display_name, slug) VALUES ($1, $2, 'Original User', $3) RETURNING id",
                email, BCrypt.Net.BCrypt.HashPassword(password, 12), "original-" + Guid.NewGuid().ToString("N")[..12]);
            await owner.ExecuteAsync("INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM roles WHERE name = 'user'", id);
        }

        using (var wrong = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email, password = "WrongPassword1" }))
        {
            await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized, "Invalid email or password");
        }
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        Assert.StartsWith("$2", await connection.ScalarAsync<string>("SELECT password_hash FROM users WHERE email = $1", email), StringComparison.Ordinal);

        using (var first = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email, password }))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(["user"], (await first.JsonAsync()).GetProperty("user").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        }
        Assert.StartsWith("$pbkdf2-sha256$", await connection.ScalarAsync<string>("SELECT password_hash FROM users WHERE email = $1", email), StringComparison.Ordinal);

        using var second = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        // The upgrade is in the audit trail, once (the second login found nothing to upgrade).
        var userId = await connection.ScalarAsync<Guid>("SELECT id FROM users WHERE email = $1", email);
        Assert.Equal(1L, await connection.ScalarAsync<long>(
            "SELECT count(*) FROM audit_events WHERE action = 'auth.password_hash.upgraded' AND actor_user_id = $1 AND details->>'from' IN ('2a', '2b', '2y')", userId));
    }

    private async Task<ScratchDatabase> OriginalDatabaseAsync()
    {
        var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_adopt");
        await using var connection = await scratch.OpenAsync();
        await connection.ExecuteAsync(await File.ReadAllTextAsync(Path.Combine(TestPaths.RepositoryRoot, "postgres", "uuidv7.sql")));
        await connection.ExecuteAsync(await File.ReadAllTextAsync(
            Path.Combine(TestPaths.RepositoryRoot, "KennWilliamson.Tests", "Operations", "original-sqlx-schema.sql")));
        return scratch;
    }
}
