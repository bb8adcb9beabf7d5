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
        try
        {
            var result = await ChildProcess.RunAsync("dotnet",
                [TestPaths.ProjectDll("KennWilliamson.AppHost"), "--publisher", "manifest", "--output-path", output, .. args],
                TimeSpan.FromMinutes(2), workingDirectory: Path.Combine(TestPaths.RepositoryRoot, "KennWilliamson.AppHost"));
            Assert.True(result.ExitCode == 0, $"publish failed: {result}");

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
