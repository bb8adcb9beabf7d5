using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Reliability;

/// <summary>Stopping the AppHost stops PostgreSQL cleanly and leaves none of its processes behind.</summary>
[Trait("Category", TestPostgres.NeedsClientTools)]
[Collection(AppHostSequence.Name)]
[Trait(Layer.Trait, Layer.AppHost)]
public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_apphost_shuts_postgres_down_cleanly_and_leaves_no_process()
    {
        var root = TestPaths.NewTempDirectory("shutdown");
        var dataDirectory = Path.Combine(root, "data");
        var marker = AppHostFactory.Secret(); // the app role's password: in the API's environment, and nowhere else
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var builder = await AppHostFactory.CreateLocalAsync(dataDirectory, $"--Parameters:app-db-password={marker}");
        var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token).WaitAsync(cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token).WaitAsync(cts.Token);
        Assert.NotEmpty(ProcessScan.Mentioning(dataDirectory));
        Assert.NotEmpty(ProcessScan.Mentioning(marker));

        await app.StopAsync(cts.Token).WaitAsync(TimeSpan.FromMinutes(1), cts.Token);
        await app.DisposeAsync();

        // Nothing left: no postgres for this data directory, no worker or API with this app's secret.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((ProcessScan.Mentioning(dataDirectory).Count > 0 || ProcessScan.Mentioning(marker).Count > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, cts.Token);
        }
        Assert.Empty(ProcessScan.Mentioning(dataDirectory));
        Assert.Empty(ProcessScan.Mentioning(marker));

        // The control file says how the server stopped: a clean shutdown, not one that needs recovery.
        var state = (await ChildProcess.RunAsync(Path.Combine(PostgresMachine.FindBinDirectory(null)!, "pg_controldata"), [dataDirectory],
            TimeSpan.FromMinutes(1), cancellationToken: cts.Token)).Output;
        Assert.Contains("Database cluster state:               shut down", state, StringComparison.Ordinal);
        Directory.Delete(root, recursive: true);
    }
}
