namespace KennWilliamson.MigrationService.Backups;

/// <summary><c>PG_BIN</c>, else Debian's newest (its pg_restore reads every older dump), else PATH.</summary>
internal static class ClientTools
{
    private const string DebianRoot = "/usr/lib/postgresql";

    public static string Find(string tool)
    {
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } bin)
        {
            return Path.Combine(bin, tool);
        }
        var newest = Directory.Exists(DebianRoot)
            ? Directory.EnumerateDirectories(DebianRoot)
                .Select(d => (Dir: d, Major: int.TryParse(Path.GetFileName(d), out var m) ? m : -1))
                .Where(d => d.Major > 0 && File.Exists(Path.Combine(d.Dir, "bin", tool)))
                .OrderByDescending(d => d.Major)
                .Select(d => Path.Combine(d.Dir, "bin", tool))
                .FirstOrDefault()
            : null;
        return newest ?? tool; // on PATH, or a clear "cannot run" when it is not there
    }
}
