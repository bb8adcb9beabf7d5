using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// Symmetric gpg (AES-256) with the backup key: the key goes in as the first line of gpg's standard input
/// (<c>--passphrase-fd 0</c>; gpg reads exactly that line), never on a command line or in a file; the data
/// follows it on the same input, a file to decrypt too, so what was checked of it is what gpg reads. Every
/// run has a throw-away GNUPGHOME, so no keyring of the user's is read or written, and its agent is stopped
/// afterwards. The home's name carries the worker's process id (<c>kennwilliamson-gpg-&lt;pid&gt;-…</c>), so
/// a home left by a run that was killed is known as such.
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
            "No backup key: set BACKUP_KEY (Backups:Key) to the AppHost's backup-key secret (dotnet user-secrets list --project KennWilliamson.AppHost)."),
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
