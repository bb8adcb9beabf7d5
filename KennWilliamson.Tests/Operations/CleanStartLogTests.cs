using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// A first start on a fresh data directory, and a restart on the same one, log no error-level entry from
/// any resource: an error count on the dashboard then always means something went wrong.
/// </summary>
[Collection(AppHostSequence.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
public sealed class CleanStartLogTests
{
    // Resources that always log something at start: each is shown to have been read, so an empty backlog
    // cannot pass for a clean one.
    private static readonly string[] Logging = ["postgres-init", "postgres", "limits", "migrations", "api"];

    [Fact]
    public async Task A_first_start_and_a_restart_log_no_error_level_entry()
    {
        var root = TestPaths.NewTempDirectory("clean-start");
        // The same secrets both times: the superuser's password is fixed when the cluster is created.
        string[] secrets =
        [
            $"--Parameters:postgres-password={AppHostFactory.Secret()}",
            $"--Parameters:app-db-password={AppHostFactory.Secret()}",
            $"--Parameters:jwt-signing-key={AppHostFactory.Secret()}{AppHostFactory.Secret()}",
            $"--Parameters:backup-key={AppHostFactory.Secret()}",
        ];
        try
        {
            foreach (var run in new[] { "first start", "restart" })
            {
                var logs = await StartReadLogsAndStopAsync(Path.Combine(root, "data"), secrets);
                foreach (var resource in Logging)
                {
                    Assert.True(logs.Any(l => l.StartsWith(resource + ": ", StringComparison.Ordinal)), $"{run}: nothing read from {resource}");
                }
                var errors = logs.Where(ResourceLogs.IsErrorLevel).ToList();
                Assert.True(errors.Count == 0, $"{run}: error-level entries:\n{string.Join('\n', errors)}");
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<List<string>> StartReadLogsAndStopAsync(string dataDirectory, string[] secrets)
    {
        using var cts = new CancellationTokenSource(AppHostFactory.StartTimeout);
        var builder = await AppHostFactory.CreateLocalAsync(dataDirectory, secrets);
        await using var app = await builder.BuildAsync(cts.Token).WaitAsync(cts.Token);
        await app.StartAsync(cts.Token).WaitAsync(cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token).WaitAsync(cts.Token);
        var logs = await ResourceLogs.ReadAllAsync(app);
        await app.StopAsync(cts.Token).WaitAsync(TimeSpan.FromMinutes(1), cts.Token);
        return logs;
    }
}
