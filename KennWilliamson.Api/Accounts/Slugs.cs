using System.Text;

namespace KennWilliamson.Api.Accounts;

/// <summary>Slugs exactly as the original backend makes them.</summary>
public static class Slugs
{
    public const string Fallback = "user";
    public const int MaxLength = 200;

    public static string FromDisplayName(string displayName)
    {
        var lowered = displayName.Trim().ToLowerInvariant();
        var slug = new StringBuilder(lowered.Length);
        foreach (var c in lowered)
        {
            if (c == ' ')
            {
                slug.Append('-');
            }
            else if (char.IsLetterOrDigit(c) || c == '-')
            {
                slug.Append(c);
            }
        }
        var trimmed = slug.ToString().Trim('-');
        // Trimmed again after the cut: a cut at a hyphen must not leave one at the end.
        var result = trimmed[..Math.Min(trimmed.Length, MaxLength)].TrimEnd('-');
        return result.Length == 0 ? Fallback : result;
    }

    public static string FirstAvailable(string slug, IReadOnlyCollection<string> taken)
    {
        if (!taken.Contains(slug))
        {
            return slug;
        }
        var prefix = slug + "-";
        var used = taken
            .Where(s => s.StartsWith(prefix, StringComparison.Ordinal))
            .Select(s => int.TryParse(s.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0)
            .ToHashSet();
        var next = 2;
        while (used.Contains(next))
        {
            next++;
        }
        return $"{slug}-{next}";
    }
}
