using System.Text.RegularExpressions;
using KennWilliamson.Data;
using Microsoft.EntityFrameworkCore;
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

        // Identifiers and the password cannot be bind parameters in DDL; the name is checked above and
        // the password is quoted as a literal (quote doubling; standard_conforming_strings is on).
        var createOrAlter = string.IsNullOrEmpty(password) ? "" : $"""
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
              CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
            END IF;
            ALTER ROLE {role} WITH LOGIN PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}';
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

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(ct, async c =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(c);
            await db.Database.ExecuteSqlRawAsync(sql, c);
            await tx.CommitAsync(c);
        });
        logger.LogInformation("Role {Role} may read and write rows, and nothing else.", role);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex RoleName();
}
