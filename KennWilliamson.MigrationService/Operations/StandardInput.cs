namespace KennWilliamson.MigrationService.Operations;

/// <summary>Whether standard input was closed: .NET then puts a pipe of its own on descriptor 0, and a read would never end.</summary>
internal static class StandardInput
{
    private const string Descriptors = "/proc/self/fd";
    private const int AccessModeMask = 3; // O_ACCMODE
    private const int WriteOnly = 1; // O_WRONLY

    public static bool IsOwnPipe()
    {
        try
        {
            if (!Directory.Exists(Descriptors) || new FileInfo(Path.Combine(Descriptors, "0")).LinkTarget is not { } zero)
            {
                return false;
            }
            var others = Directory.EnumerateFileSystemEntries(Descriptors)
                .Select(Path.GetFileName)
                .Where(fd => fd is not (null or "0"))
                .Select(fd => (Target: Target(fd!), Flags: Flags(fd!)))
                .Where(d => d.Target is not null)
                .Select(d => (d.Target!, d.Flags))
                .ToList();
            return HeldForWriting(zero, others);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Descriptor 0's target is a pipe this process also has open for writing: only this process could end it.</summary>
    public static bool HeldForWriting(string zero, IEnumerable<(string Target, int? Flags)> others) =>
        zero.StartsWith("pipe:", StringComparison.Ordinal)
        && others.Any(d => d.Target == zero && d.Flags is { } flags && (flags & AccessModeMask) == WriteOnly);

    private static string? Target(string fd)
    {
        try
        {
            return new FileInfo(Path.Combine(Descriptors, fd)).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // closed meanwhile (the enumeration's own descriptor, for one)
        }
    }

    /// <summary>The open flags of a descriptor (octal in /proc/self/fdinfo), or null when it cannot be read.</summary>
    private static int? Flags(string fd)
    {
        try
        {
            var line = File.ReadLines(Path.Combine("/proc/self/fdinfo", fd)).FirstOrDefault(l => l.StartsWith("flags:", StringComparison.Ordinal));
            return line is null ? null : Convert.ToInt32(line["flags:".Length..].Trim(), 8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return null;
        }
    }
}
