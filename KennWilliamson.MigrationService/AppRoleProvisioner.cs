using System.Text.RegularExpressions;
using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Microsoft.Extensions.Options;

namespace KennWilliamson.MigrationService;

/// <summary>
/// Least privilege for the API: a login role that may read and write rows of every table (present and
/// future) and nothing else — no schema changes, no temporary tables, not a superuser, owns nothing.
/// Idempotent, and serialized by an advisory lock so two workers at once do not race on CREATE ROLE.
/// </summary>
internal sealed partial class AppRoleProvisioner(IOptions<AppRoleOptions> options, ILogger<AppRoleProvisioner> logger)
{
    public async Task EnsureAsync(AppDbContext db, CancellationToken ct)
    {
        var role = options.Value.Username;
        if (!RoleName().IsMatch(role))
        {
            throw new InvalidOperationException($"AppDatabase:Username '{role}' is not a plain lower-case identifier.");
        }
        var password = options.Value.Password;
        if (string.IsNullOrEmpty(password))
        {
            logger.LogWarning("AppDatabase:Password is not set: role {Role} is not created or changed, only granted to if it exists.", role);
        }

        // DDL takes no bind parameters. The name is checked above; the password goes in as a SCRAM verifier
        // (never the plaintext), handed over as a bound parameter of set_config and read back inside the
        // DO block, so no statement text (server log, pg_stat_statements) carries it.
        var createOrAlter = string.IsNullOrEmpty(password) ? "" : $"""
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
              CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
            END IF;
            EXECUTE format('ALTER ROLE {role} WITH LOGIN PASSWORD %L', current_setting('kennwilliamson.app_role_verifier'));
            PERFORM set_config('kennwilliamson.app_role_verifier', '', true);
            """;
        var sql = $"""
            SELECT pg_advisory_xact_lock(hashtext('kennwilliamson:app-role'));
            DO $role$
            BEGIN
              {createOrAlter}
              IF EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
                EXECUTE format('GRANT CONNECT ON DATABASE %I TO {role}', current_database());
                REVOKE CREATE ON SCHEMA public FROM PUBLIC;
                GRANT USAGE ON SCHEMA public TO {role};
                GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
                ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
                -- Migration history is the worker's: the API may read it (the health check counts it), never write it.
                IF to_regclass('public."__EFMigrationsHistory"') IS NOT NULL THEN
                  REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "__EFMigrationsHistory" FROM {role};
                  GRANT SELECT ON "__EFMigrationsHistory" TO {role};
                END IF;
                IF to_regclass('public._sqlx_migrations') IS NOT NULL THEN
                  REVOKE ALL ON _sqlx_migrations FROM {role};
                END IF;
                -- The audit trail is append-only for the API.
                IF to_regclass('public.audit_events') IS NOT NULL THEN
                  REVOKE UPDATE, DELETE ON audit_events FROM {role};
                END IF;
                -- Its one window on server statistics (GET /api/admin/slow-queries).
                IF to_regprocedure('public.slow_queries(integer)') IS NOT NULL THEN
                  GRANT EXECUTE ON FUNCTION slow_queries(integer) TO {role};
                END IF;
              END IF;
            END
            $role$;
            """;

        // Plain Npgsql on the context's connection rather than EF, whose command logging would print the SQL.
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(ct, async c =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(c);
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var transaction = (NpgsqlTransaction)tx.GetDbTransaction();
            if (!string.IsNullOrEmpty(password))
            {
                await using var setVerifier = new NpgsqlCommand("SELECT set_config('kennwilliamson.app_role_verifier', $1, true)", connection, transaction);
                setVerifier.Parameters.Add(new NpgsqlParameter { Value = ScramVerifier.Create(password) });
                await setVerifier.ExecuteNonQueryAsync(c);
            }
            await using var grants = new NpgsqlCommand(sql, connection, transaction);
            await grants.ExecuteNonQueryAsync(c);
            await tx.CommitAsync(c);
        });
        logger.LogInformation("Role {Role} may read and write rows, and nothing else.", role);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex RoleName();
}
