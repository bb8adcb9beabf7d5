using System.Net;
using KennWilliamson.AppHost;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Operations;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Security;

/// <summary>
/// Where an operator or a curious admin can look — every resource's log, pg_stat_statements, the
/// slow-queries endpoint, process command lines, files other users can read — after a start, a reset with
/// seed data, a backup and a restore: none of the secrets appears. Each place is also shown to hold
/// something, so an empty search cannot pass for a clean one.
/// </summary>
[Trait("Category", TestPostgres.NeedsClientTools)]
[Collection(AppHostSequence.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
public sealed class SecretLeakTests : IAsyncLifetime
{
    private readonly Dictionary<string, string> _secrets = new()
    {
        ["postgres-password"] = AppHostFactory.Secret(),
        ["app-db-password"] = AppHostFactory.Secret(),
        ["jwt-signing-key"] = AppHostFactory.Secret() + AppHostFactory.Secret(),
        ["backup-key"] = AppHostFactory.Secret(),
        ["limits-password"] = AppHostFactory.Secret(),
    };
    private IsolatedApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await IsolatedApp.StartAsync("secrets", [.. _secrets.Select(s => $"--Parameters:{s.Key}={s.Value}")]);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // /proc and file modes
    public async Task No_secret_appears_in_logs_statistics_slow_queries_command_lines_or_readable_files()
    {
        var password = "Pw-" + AppHostFactory.Secret();
        var account = await _app.Api.RegisterAsync(email: ApiClient.UniqueEmail("leak"), password: password);
        var refreshed = await RefreshAsync(account.RefreshToken);
        _secrets["a user's password"] = password;
        _secrets["a refresh token"] = account.RefreshToken;

        await CommandAsync(DatabaseCommands.GrantAdmin, account.Email);
        // The grant ended the user's sessions; a new sign-in's token says admin.
        var admin = await SignInAsync(account);
        _secrets["a second refresh token"] = refreshed.RefreshToken;
        _secrets["a third refresh token"] = admin.RefreshToken;
        await CommandAsync(DatabaseCommands.ResetWithSeed);
        await CommandAsync(DatabaseCommands.BackUp);
        var owner = await _app.ConnectionStringAsync("kennwilliamson");
        var backup = Directory.GetFiles(_app.BackupDirectory).Max()!;
        var restore = await Scripts.RunAsync("restore-db.sh",
            new Dictionary<string, string> { ["DATABASE_URL"] = Scripts.DatabaseUrl(owner), ["BACKUP_KEY"] = _secrets["backup-key"] }, null, backup, "--yes");
        Assert.True(restore.ExitCode == 0, restore.ToString());

        // The reset deleted the account above, and admin rights are read from the database: an admin of the restored one reads them.
        var reader = await _app.Api.RegisterAsync(email: ApiClient.UniqueEmail("leak-admin"));
        await CommandAsync(DatabaseCommands.GrantAdmin, reader.Email);
        using var slow = await _app.Api.SendAsync(HttpMethod.Get, "/api/admin/slow-queries?limit=100", token: reader.Token);
        Assert.Equal(HttpStatusCode.OK, slow.StatusCode);
        var slowQueries = (await slow.JsonAsync()).EnumerateArray().Select(q => q.GetProperty("query").GetString()!).ToList();
        Assert.NotEmpty(slowQueries);
        Assert.All(slowQueries, q => Assert.Matches("(?i)^\\s*(select|insert|update|delete|with|merge|values|table)\\b", q));

        await using var server = new NpgsqlConnection(owner);
        await server.OpenAsync();
        var statements = await server.ColumnAsync<string>("SELECT query FROM monitoring.pg_stat_statements");
        Assert.Contains(statements, s => s.Contains("kennwilliamson.app_role_verifier", StringComparison.Ordinal)); // the role's password was set, and recorded

        var logs = await ResourceLogs.ReadAllAsync(_app.App);
        foreach (var resource in new[] { "postgres", "migrations", "api", "kennwilliamson" })
        {
            Assert.Contains(logs, l => l.StartsWith(resource + ": ", StringComparison.Ordinal)); // each was read
        }
        var commandLines = ProcessCommandLines();
        var readable = WorldReadableFiles();

        foreach (var (name, secret) in _secrets)
        {
            Assert.False(logs.Any(l => l.Contains(secret, StringComparison.Ordinal)), $"{name} is in a resource's log");
            Assert.False(statements.Any(s => s.Contains(secret, StringComparison.Ordinal)), $"{name} is in pg_stat_statements");
            Assert.False(slowQueries.Any(s => s.Contains(secret, StringComparison.Ordinal)), $"{name} is in the slow-queries response");
            Assert.False(commandLines.Any(c => c.Contains(secret, StringComparison.Ordinal)), $"{name} is on a process's command line");
            Assert.False(readable.Any(f => f.Contents.Contains(secret, StringComparison.Ordinal)), $"{name} is in a world-readable file");
        }
    }

    private async Task<Account> RefreshAsync(string refreshToken)
    {
        using var response = await _app.Api.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = refreshToken });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        return new Account(body.GetProperty("token").GetString()!, body.GetProperty("refresh_token").GetString()!, body.GetProperty("user"), "", "");
    }

    private async Task<Account> SignInAsync(Account account)
    {
        using var response = await _app.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = account.Email, password = account.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        return new Account(body.GetProperty("token").GetString()!, body.GetProperty("refresh_token").GetString()!, body.GetProperty("user"), account.Email, account.Password);
    }

    private async Task CommandAsync(string command, string? email = null)
    {
        var arguments = email is null ? null : new InteractionInputCollection([new InteractionInput
        {
            Name = DatabaseCommands.AdminEmailArgument, Label = "Email", InputType = InputType.Text, Value = email,
        }]);
        var result = await (arguments is null
            ? _app.App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", command)
            : _app.App.ResourceCommands.ExecuteCommandAsync("kennwilliamson", command, arguments)).WaitAsync(Scripts.Timeout);
        Assert.True(result.Success, $"{command}: {result.Message}");
    }

    private static List<string> ProcessCommandLines() =>
        [.. Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)).Select(d =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' ');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return ""; // ended while we looked
            }
        })];

    /// <summary>Files under the application's folders (data, backups) that a user other than their owner may read.</summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private List<(string Path, string Contents)> WorldReadableFiles() =>
        [.. Directory.EnumerateFiles(_app.DataRoot, "*", SearchOption.AllDirectories)
            .Where(f => (File.GetUnixFileMode(f) & UnixFileMode.OtherRead) != 0 && ReachableByOthers(f))
            .Select(f => (f, File.ReadAllText(f)))];

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private bool ReachableByOthers(string file)
    {
        for (var dir = Path.GetDirectoryName(file); dir is not null && dir.Length >= _app.DataRoot.Length; dir = Path.GetDirectoryName(dir))
        {
            if ((File.GetUnixFileMode(dir) & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }
        return true;
    }
}
