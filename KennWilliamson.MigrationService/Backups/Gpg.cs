using System.Diagnostics;
using System.Text;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// Symmetric gpg (AES-256) with the backup key: the key goes in as the first line of gpg's standard input
/// (<c>--passphrase-fd 0</c>; gpg reads exactly that line, the data follows), never on a command line or in
/// a file; every run has a throw-away GNUPGHOME, so no keyring of the user's is read or written, and its
/// agent is stopped afterwards.
/// </summary>
internal sealed class Gpg : IAsyncDisposable
{
    private readonly string _key;
    private readonly string _home;

    public Gpg(string? key)
    {
        _key = RequireKey(key);
        _home = Directory.CreateTempSubdirectory("kennwilliamson-gpg").FullName;
    }

    /// <summary>The key, or what to set when there is none; gpg reads one line of it.</summary>
    public static string RequireKey(string? key) => key switch
    {
        null or "" => throw new InvalidOperationException(
            "No backup key: set BACKUP_KEY (Backups:Key) to the AppHost's backup-key secret (dotnet user-secrets list --project KennWilliamson.AppHost)."),
        _ when key.Contains('\n', StringComparison.Ordinal) => throw new InvalidOperationException("The backup key must be one line."),
        _ => key,
    };

    /// <summary>gpg encrypting its standard input (after the key, which this writes) to its standard output.</summary>
    public Task<Process> StartEncryptAsync(CancellationToken ct) => StartAsync(["--symmetric", "--cipher-algo", "AES256"], ct);

    /// <summary>gpg writing the plaintext of <paramref name="file"/> to its standard output.</summary>
    public async Task<Process> StartDecryptAsync(string file, CancellationToken ct)
    {
        var gpg = await StartAsync(["--decrypt", file], ct);
        gpg.StandardInput.Close();
        return gpg;
    }

    private async Task<Process> StartAsync(string[] args, CancellationToken ct)
    {
        var gpg = ToolProcess.Start("gpg", ["--batch", "--quiet", "--no-tty", "--pinentry-mode", "loopback", "--passphrase-fd", "0",
            "--no-symkey-cache", .. args], start => start.Environment["GNUPGHOME"] = _home);
        await gpg.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(_key + "\n"), ct);
        await gpg.StandardInput.BaseStream.FlushAsync(ct);
        return gpg;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var kill = ToolProcess.Start("gpgconf", ["--kill", "gpg-agent"], start => start.Environment["GNUPGHOME"] = _home);
            kill.StandardInput.Close();
            await kill.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // No gpgconf: the agent (if any) exits with its home folder gone.
        }
        Directory.Delete(_home, recursive: true);
    }
}
