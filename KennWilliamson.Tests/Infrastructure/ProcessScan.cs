namespace KennWilliamson.Tests.Infrastructure;

/// <summary>Finds this machine's processes by what their command line or environment contains (Linux /proc).</summary>
public static class ProcessScan
{
    public static List<int> Mentioning(params string[] texts)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var all = File.ReadAllText(Path.Combine(dir, "cmdline")) + "\n" + File.ReadAllText(Path.Combine(dir, "environ"));
                if (texts.All(t => all.Contains(t, StringComparison.Ordinal)))
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        return found;
    }
}
