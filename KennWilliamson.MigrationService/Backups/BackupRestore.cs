using System.Diagnostics;
using Npgsql;

namespace KennWilliamson.MigrationService.Rehearsal;

/// <summary>
/// Restores a backup into an (empty) database the way <c>scripts/restore-db.sh</c> does: decrypted by gpg
/// with the backup key (on gpg's standard input, never its command line; a throw-away GNUPGHOME), piped
/// into <c>pg_restore --single-transaction --exit-on-error</c>. The connection reaches pg_restore through
/// the libpq variables of its environment. Grants are left out (<c>--no-privileges</c>): a rehearsal
/// checks the schema's migrations, and grants to roles another server has would stop it.
/// </summary>
internal static class BackupRestore
{
    public static async Task RestoreAsync(string file, string? key, NpgsqlConnectionStringBuilder target, CancellationToken ct)
    {
        var plain = BackupSource.IsPlainDump(file);
        if (!plain && string.IsNullOrEmpty(key))
        {
            throw new InvalidOperationException("No backup key: set BACKUP_KEY (the AppHost's backup-key secret) to read an encrypted backup.");
        }
        var restore = Start(ClientTools.Find("pg_restore"), [.. Options(target.Database!), .. plain ? [file] : Array.Empty<string>()], start => Connect(start, target));
        // Both output streams are drained from the start: a pg_restore blocked on a full pipe would never exit.
        var restoreError = restore.StandardError.ReadToEndAsync(ct);
        var restoreOutput = restore.StandardOutput.ReadToEndAsync(ct);
        var gnupgHome = plain ? null : Directory.CreateTempSubdirectory("kennwilliamson-gpg").FullName;
        try
        {
            if (!plain)
            {
                await DecryptIntoAsync(file, key!, gnupgHome!, restore, ct);
            }
            restore.StandardInput.Close();
            await restore.WaitForExitAsync(ct);
            await restoreOutput;
            if (restore.ExitCode != 0)
            {
                throw new InvalidOperationException($"The backup {file} did not restore: {LastLine(await restoreError)}");
            }
        }
        finally
        {
            if (!restore.HasExited)
            {
                restore.Kill();
            }
            restore.Dispose();
            if (gnupgHome is not null)
            {
                await KillAgentAsync(gnupgHome);
                Directory.Delete(gnupgHome, recursive: true);
            }
        }
    }

    private static async Task DecryptIntoAsync(string file, string key, string gnupgHome, Process restore, CancellationToken ct)
    {
        using var gpg = Start("gpg", ["--batch", "--quiet", "--no-tty", "--pinentry-mode", "loopback", "--passphrase-fd", "0",
            "--no-symkey-cache", "--decrypt", file], start => start.Environment["GNUPGHOME"] = gnupgHome);
        var gpgError = gpg.StandardError.ReadToEndAsync(ct);
        await gpg.StandardInput.WriteLineAsync(key.AsMemory(), ct);
        gpg.StandardInput.Close();
        try
        {
            await gpg.StandardOutput.BaseStream.CopyToAsync(restore.StandardInput.BaseStream, ct);
        }
        catch (IOException)
        {
            // pg_restore stopped reading (it failed): its exit code and message tell why.
            gpg.Kill();
        }
        await gpg.WaitForExitAsync(ct);
        if (gpg.ExitCode != 0 && !restore.HasExited)
        {
            throw new InvalidOperationException(
                $"{file} cannot be decrypted with this backup key: wrong BACKUP_KEY, or a damaged or foreign file (gpg: {LastLine(await gpgError)}).");
        }
    }

    private static string[] Options(string database) =>
        ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", $"--dbname={database}"];

    private static Process Start(string tool, string[] args, Action<ProcessStartInfo> configure)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        configure(start);
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Cannot run {tool} ({ex.Message}): install it (gnupg; the PostgreSQL client tools) or set PG_BIN.", ex);
        }
    }

    /// <summary>libpq reads the connection from its environment: no password on any command line.</summary>
    private static void Connect(ProcessStartInfo start, NpgsqlConnectionStringBuilder target)
    {
        start.Environment["PGHOST"] = target.Host;
        start.Environment["PGPORT"] = target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = target.Username;
        start.Environment["PGPASSWORD"] = target.Password;
        start.Environment["PGDATABASE"] = target.Database;
        start.Environment["PGAPPNAME"] = "kennwilliamson-rehearsal";
        start.Environment["PGSSLMODE"] = target.SslMode switch
        {
            SslMode.Disable => "disable",
            SslMode.Allow => "allow",
            SslMode.Require => "require",
            SslMode.VerifyCA => "verify-ca",
            SslMode.VerifyFull => "verify-full",
            _ => "prefer",
        };
        // A service file of the user's must not redirect the connection.
        start.Environment.Remove("PGSERVICE");
    }

    private static async Task KillAgentAsync(string gnupgHome)
    {
        try
        {
            using var kill = Start("gpgconf", ["--kill", "gpg-agent"], start => start.Environment["GNUPGHOME"] = gnupgHome);
            kill.StandardInput.Close();
            await kill.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // No gpgconf: the agent (if any) exits with its home folder gone.
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()?
            .Replace("pg_restore: error: ", "", StringComparison.Ordinal).Replace("gpg: ", "", StringComparison.Ordinal) ?? "no message";
}
