using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// Starting the external tools a backup needs (pg_dump, pg_restore, gpg): every stream redirected, no libpq
/// variable (<c>PG*</c>) of the worker's own environment passed on, the connection in libpq's environment
/// variables as <see cref="Connect"/> sets them (never on a command line), and a message that says what to
/// install when a tool is missing.
/// </summary>
internal static class ToolProcess
{
    public static Process Start(string tool, IEnumerable<string> args, Action<ProcessStartInfo>? configure = null)
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
        // libpq reads PGHOSTADDR, PGOPTIONS, PGSSL*, PGSERVICE, … from its environment: one left in the shell
        // would send pg_dump or pg_restore elsewhere than the connection the worker reports. Only Connect's count.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        configure?.Invoke(start);
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                $"Cannot run {Path.GetFileName(tool)} ({ex.Message}): install it (gnupg; the PostgreSQL client tools: postgresql-client) or set PG_BIN to their bin folder.", ex);
        }
    }

    /// <summary>
    /// Kills a tool that still runs (its verb was stopped, or failed half-way): a pg_dump waiting for a lock
    /// would otherwise outlive the worker. One that has exited is left alone.
    /// </summary>
    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It exited meanwhile.
        }
    }

    /// <summary>
    /// The connection the worker itself uses, as libpq's environment (no password on any command line); with
    /// the shell's PG* variables gone (<see cref="Start"/>), these are all libpq gets.
    /// </summary>
    public static void Connect(ProcessStartInfo start, NpgsqlConnectionStringBuilder target)
    {
        start.Environment["PGHOST"] = target.Host;
        start.Environment["PGPORT"] = target.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = target.Username;
        start.Environment["PGPASSWORD"] = target.Password;
        start.Environment["PGDATABASE"] = target.Database;
        start.Environment["PGAPPNAME"] = "kennwilliamson-worker";
        start.Environment["PGCONNECT_TIMEOUT"] = "5";
        start.Environment["PGSSLMODE"] = Operations.DatabaseUrl.SslModeName(target.SslMode);
    }

    /// <summary>The major version a client tool reports (<c>pg_dump (PostgreSQL) 17.2</c> → 17).</summary>
    public static async Task<int> MajorVersionAsync(string tool, CancellationToken ct)
    {
        using var process = Start(tool, ["--version"]);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var number = output.SkipWhile(c => !char.IsAsciiDigit(c)).TakeWhile(char.IsAsciiDigit).ToArray();
        return number.Length > 0 ? int.Parse(number, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"{tool} --version did not say its version ('{output.Trim()}').");
    }

    /// <summary>The last non-empty line of a tool's error output, without the tool's prefix.</summary>
    public static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()?
            .Replace("pg_restore: error: ", "", StringComparison.Ordinal).Replace("pg_dump: error: ", "", StringComparison.Ordinal)
            .Replace("pg_restore: ", "", StringComparison.Ordinal).Replace("gpg: ", "", StringComparison.Ordinal) ?? "no message";
}
