using System.Diagnostics;
using System.Text.Json;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Deployment;

/// <summary>
/// Publish mode as the README runs it: the built AppHost with <c>--publisher manifest</c>, from its
/// project folder, into a temporary folder. Returns the manifest's resources and the folder its
/// relative paths start from.
/// </summary>
public static class ManifestPublisher
{
    public sealed record Manifest(JsonElement Resources, string Directory, string Text)
    {
        public JsonElement this[string name] => Resources.GetProperty(name);

        public IEnumerable<string> Names => Resources.EnumerateObject().Select(p => p.Name);

        public IEnumerable<(string Name, string Type)> Types =>
            Resources.EnumerateObject().Select(p => (p.Name, p.Value.GetProperty("type").GetString() ?? ""));

        /// <summary>A path in the manifest, which is relative to the manifest's own folder, made absolute.</summary>
        public string FullPath(string relative) => Path.GetFullPath(Path.Combine(Directory, relative));
    }

    public static async Task<Manifest> PublishAsync(params string[] args)
    {
        var folder = TestPaths.NewTempDirectory("manifest");
        var output = Path.Combine(folder, "manifest.json");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(TestPaths.RepositoryRoot, "KennWilliamson.AppHost"),
        };
        foreach (var arg in (string[])[TestPaths.ProjectDll("KennWilliamson.AppHost"), "--publisher", "manifest", "--output-path", output, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("Publishing the manifest took more than 2 minutes.");
            }
            Assert.True(process.ExitCode == 0, $"publish exited {process.ExitCode}: {await stdout}{await stderr}");

            var text = await File.ReadAllTextAsync(output);
            using var document = JsonDocument.Parse(text);
            return new Manifest(document.RootElement.GetProperty("resources").Clone(), folder, text);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
