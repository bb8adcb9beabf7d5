namespace KennWilliamson.Tests.Infrastructure;

/// <summary>Where things are: the repository, and the builds of the projects the tests run as processes.</summary>
public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>"Debug" or "Release": whatever this test assembly was built as.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug";

    public static string ProjectDll(string project) =>
        Path.Combine(RepositoryRoot, project, "bin", Configuration, "net10.0", project + ".dll");

    /// <summary>
    /// A new folder the local-mode server can use. Readable by others so the <c>postgres</c> user can
    /// reach a data directory inside it when the tests run as root.
    /// </summary>
    public static string NewTempDirectory(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kennwilliamson-{purpose}-{Guid.NewGuid():N}");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return path;
        }
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KennWilliamson.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("KennWilliamson.sln not found above " + AppContext.BaseDirectory);
    }
}
