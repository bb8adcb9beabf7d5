using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>pg_dump, pg_restore and gpg: the connection in libpq's environment only, none of the shell's PG* variables.</summary>
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
        // A PG* variable left in the shell would send the tool elsewhere than the worker reports.
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

    /// <summary>Kills a tool still running: a pg_dump waiting for a lock would outlive the worker.</summary>
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

    public static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()?
            .Replace("pg_restore: error: ", "", StringComparison.Ordinal).Replace("pg_dump: error: ", "", StringComparison.Ordinal)
            .Replace("pg_restore: ", "", StringComparison.Ordinal).Replace("gpg: ", "", StringComparison.Ordinal) ?? "no message";
}
