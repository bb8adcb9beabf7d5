using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace KennWilliamson.Hosting.Postgres;

public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}

public sealed record ProcessOptions
{
    public Action<string>? OnOutput { get; init; }

    public Action<string>? OnError { get; init; }

    public IReadOnlyList<string> Unset { get; init; } = [];

    /// <summary>Non-zero: SIGTERM first, so the program can clean up, and a kill only this long after.</summary>
    public TimeSpan StopGrace { get; init; }

    /// <summary>Called when the grace has passed and the kill follows.</summary>
    public Action? OnKill { get; init; }
}

/// <summary>The one way this repository starts a program: output captured, input closed, stopped with its children.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int Sigterm = 15;

    private readonly Process _process;
    private readonly ProcessOptions _options;
    private readonly Task<string> _output;
    private readonly Task<string> _error;

    private ChildProcess(Process process, ProcessOptions options)
    {
        _process = process;
        _options = options;
        _output = PumpAsync(process.StandardOutput, options.OnOutput);
        _error = PumpAsync(process.StandardError, options.OnError);
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null, string? stdin = null, ProcessOptions? options = null)
    {
        options ??= new ProcessOptions();
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var variable in options.Unset)
        {
            start.Environment.Remove(variable);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        var running = new ChildProcess(process, options);
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }
        process.StandardInput.Close(); // a prompt gets end of input, never a hang
        return running;
    }

    /// <summary>Past <paramref name="timeout"/> it is stopped and a <see cref="TimeoutException"/> thrown.</summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> args, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, string? stdin = null,
        ProcessOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ProcessOptions();
        var arguments = args.ToList();
        await using var process = Start(fileName, arguments, environment, workingDirectory, stdin, options);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await process.WaitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            await process.StopAsync(options.StopGrace);
            await process.DrainAsync();
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not exit within {timeout}.");
        }
    }

    /// <summary>Runs as <paramref name="user"/> when given: PostgreSQL refuses to run as root.</summary>
    public static string[] AsUser(string? user, string fileName, IEnumerable<string> args) => user is null
        ? [fileName, .. args]
        : ["setpriv", $"--reuid={user}", $"--regid={user}", "--init-groups", "--", fileName, .. args];

    public async Task<ProcessResult> WaitAsync(CancellationToken cancellationToken = default)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return new ProcessResult(_process.ExitCode, await _output, await _error);
    }

    public async Task StopAsync(TimeSpan grace)
    {
        if (grace > TimeSpan.Zero && !OperatingSystem.IsWindows() && !_process.HasExited && Signal(_process.Id, Sigterm) == 0)
        {
            using var wait = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(wait.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                _options.OnKill?.Invoke();
            }
        }
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }
    }

    /// <summary>Briefly: a grandchild may hold the pipes open.</summary>
    private async Task DrainAsync()
    {
        try
        {
            await Task.WhenAll(_output, _error).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // what came is in the callbacks
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await StopAsync(TimeSpan.Zero);
        }
        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Signal(int pid, int signal);

    private static async Task<string> PumpAsync(StreamReader reader, Action<string>? onLine)
    {
        if (onLine is null)
        {
            return await reader.ReadToEndAsync(CancellationToken.None);
        }
        var text = new StringBuilder();
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            text.Append(line).Append('\n');
            onLine?.Invoke(line);
        }
        return text.ToString();
    }
}
