using System.Text.RegularExpressions;
using KennWilliamson.Data;
using KennWilliamson.MigrationService.Privileges;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KennWilliamson.MigrationService;

/// <summary>The API's login role, holding exactly <see cref="PrivilegeMatrix"/>; an advisory lock serializes workers.</summary>
internal sealed partial class AppRoleProvisioner(IOptions<AppRoleOptions> options, ILogger<AppRoleProvisioner> logger)
{
    public async Task<PrivilegeCheckResult> EnsureAsync(AppDbContext db, CancellationToken ct, bool setPassword = true)
    {
        var role = options.Value.Username;
        if (!RoleName().IsMatch(role))
        {
            throw new InvalidOperationException($"AppDatabase:Username '{role}' is not a plain lower-case identifier.");
        }
        var password = setPassword ? options.Value.Password : null;
        if (setPassword && string.IsNullOrEmpty(password))
        {
            logger.LogWarning("AppDatabase:Password is not set: role {Role} is not created or changed, only granted to if it exists.", role);
        }

        // Only a SCRAM verifier, as a bound set_config value: no statement text carries the password.
        var createOrAlter = $"""
            DO $role$
            BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
              END IF;
              EXECUTE format('ALTER ROLE {role} WITH LOGIN PASSWORD %L', current_setting('kennwilliamson.app_role_verifier'));
              PERFORM set_config('kennwilliamson.app_role_verifier', '', true);
            END
            $role$;
            """;

        // Plain Npgsql on the context's connection rather than EF, whose command logging would print the SQL.
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(ct, async c =>
        {
            // Opened here, so it stays open after the commit for the check.
            await db.Database.OpenConnectionAsync(c);
            try
            {
                return await ApplyAndCheckAsync(db, role, password, createOrAlter, c);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });
    }

    private async Task<PrivilegeCheckResult> ApplyAndCheckAsync(AppDbContext db, string role, string? password, string createOrAlter, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var transaction = (NpgsqlTransaction)tx.GetDbTransaction();
            await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtext('kennwilliamson:app-role'))", ct);
            if (!string.IsNullOrEmpty(password))
            {
                await using var setVerifier = new NpgsqlCommand("SELECT set_config('kennwilliamson.app_role_verifier', $1, true)", connection, transaction);
                setVerifier.Parameters.Add(new NpgsqlParameter { Value = ScramVerifier.Create(password) });
                await setVerifier.ExecuteNonQueryAsync(ct);
                await ExecuteAsync(connection, transaction, createOrAlter, ct);
            }
            // What the database has now (the tables this run's migrations left), read under the lock.
            var inventory = await PrivilegeCheck.InventoryAsync(connection, transaction, role, ct);
            await ExecuteAsync(connection, transaction, string.Join(";\n", PrivilegeStatements.For(inventory, role)), ct);
            await tx.CommitAsync(ct);
        }

        var check = await PrivilegeCheck.VerifyAsync(connection, role, ct);
        if (check.RoleExists)
        {
            logger.LogInformation("Role {Role} holds the declared privileges ({Count} compared) and nothing else.", role, check.Compared);
        }
        else
        {
            logger.LogWarning("Role {Role} does not exist: only PUBLIC's privileges were set and checked.", role);
        }
        if (check.UndeclaredSecurityDefiners.Count > 0)
        {
            // Revoked like any undeclared routine; named because a function that runs as its owner is worth a look.
            logger.LogWarning("SECURITY DEFINER routines not in the privilege matrix, runnable by their owner only: {Functions}",
                string.Join(", ", check.UndeclaredSecurityDefiners.Select(f => f.Describe())));
        }
        return check;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex RoleName();
}
