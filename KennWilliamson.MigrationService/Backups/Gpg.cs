using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// Symmetric gpg (AES-256): the key is the first line of its standard input, never an argument or a file, and
/// each run has a throw-away GNUPGHOME named with the worker's pid, so a killed run's home is known.
/// </summary>
internal sealed partial class Gpg : IAsyncDisposable
{
    public const string HomePrefix = "kennwilliamson-gpg-";

    private readonly string _key;
    private readonly string _home;

    public Gpg(string? key)
    {
        _key = RequireKey(key);
        _home = Directory.CreateTempSubdirectory(HomePrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-").FullName;
    }

    /// <summary>The key, or what to set when there is none; gpg reads one line of it.</summary>
    public static string RequireKey(string? key) => key switch
    {
        null or "" => throw new InvalidOperationException(
            "No backup key: set Backups:Key (Backups__Key; the scripts also take BACKUP_KEY) to the AppHost's backup-key secret (dotnet user-secrets list --project KennWilliamson.AppHost)."),
        _ when key.Contains('\n', StringComparison.Ordinal) => throw new InvalidOperationException("The backup key must be one line."),
        _ => key,
    };

    /// <summary>The process id in a gpg home's folder name, or null for any other name.</summary>
    public static int? HomeOwner(string folderName) =>
        HomeName().Match(folderName) is { Success: true } match
            && int.TryParse(match.Groups["pid"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;

    /// <summary>gpg encrypting its standard input (after the key, which this writes) to its standard output.</summary>
    public Task<Process> StartEncryptAsync(CancellationToken ct) => StartAsync(["--symmetric", "--cipher-algo", "AES256"], ct);

    /// <summary>
    /// gpg decrypting what is written to its standard input after the key (which this writes; the caller
    /// writes the file and closes it) to its standard output, its status lines going to <c>StatusFile</c> in
    /// this run's private home, for <see cref="GpgStatus"/> once it has exited.
    /// </summary>
    public async Task<(Process Gpg, string StatusFile)> StartDecryptAsync(CancellationToken ct)
    {
        var status = Path.Combine(_home, $"status-{Guid.NewGuid():N}");
        return (await StartAsync(["--status-file", status, "--decrypt"], ct), status);
    }

    private async Task<Process> StartAsync(string[] args, CancellationToken ct)
    {
        var gpg = ToolProcess.Start("gpg", ["--batch", "--quiet", "--no-tty", "--pinentry-mode", "loopback", "--passphrase-fd", "0",
            "--no-symkey-cache", .. args], start => start.Environment["GNUPGHOME"] = _home);
        await gpg.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(_key + "\n"), ct);
        await gpg.StandardInput.BaseStream.FlushAsync(ct);
        return gpg;
    }

    public async ValueTask DisposeAsync() => await RemoveHomeAsync(_home);

    /// <summary>Stops the agent of a gpg home and deletes the home; false when it could not be deleted (the next backup tries again).</summary>
    public static async Task<bool> RemoveHomeAsync(string home)
    {
        try
        {
            using var kill = ToolProcess.Start("gpgconf", ["--kill", "gpg-agent"], start => start.Environment["GNUPGHOME"] = home);
            kill.StandardInput.Close();
            await kill.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // No gpgconf: the agent (if any) exits with its home folder gone.
        }
        try
        {
            Directory.Delete(home, recursive: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^kennwilliamson-gpg-(?<pid>[0-9]{1,9})-")]
    private static partial Regex HomeName();
}
