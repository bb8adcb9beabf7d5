using System.Text;

namespace KennWilliamson.Tests.Fuzz;

/// <summary>How many requests each operation got and what it answered, for the summary a run prints.</summary>
public sealed class FuzzStats
{
    private readonly SortedDictionary<string, SortedDictionary<int, int>> _statuses = new(StringComparer.Ordinal);

    public long Requests { get; private set; }

    /// <summary>Answers slower than the bound that were sent again (see the test) and counted as requests here.</summary>
    public long Retimed { get; set; }

    public void Add(ApiOperation operation, int status)
    {
        Requests++;
        var key = operation.ToString();
        if (!_statuses.TryGetValue(key, out var counts))
        {
            _statuses[key] = counts = [];
        }
        counts[status] = counts.GetValueOrDefault(status) + 1;
    }

    public string Summary(TimeSpan elapsed, string? seed)
    {
        var text = new StringBuilder()
            .Append(System.Globalization.CultureInfo.InvariantCulture,
                $"Fuzz: {Requests:N0} requests across {_statuses.Count} operations in {elapsed.TotalSeconds:N1} s ({Requests / Math.Max(elapsed.TotalSeconds, 0.001):N0}/s, {Retimed} slow ones re-timed), seed {seed ?? "random (CsCheck prints a failing one)"}");
        foreach (var (operation, counts) in _statuses)
        {
            text.AppendLine().Append("  ").Append(operation.PadRight(44)).Append(string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}")));
        }
        return text.ToString();
    }
}
