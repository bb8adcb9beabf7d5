namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// No NUL (a <c>text</c> value cannot hold one) and no unpaired surrogate (no UTF-8 form: the driver would
/// silently store U+FFFD).
/// </summary>
public static class StorableText
{
    public static int FirstUnstorable(ReadOnlySpan<char> text)
    {
        var nul = text.IndexOf('\0');
        var limit = nul < 0 ? text.Length : nul;
        // Surrogates are rare in real text: jump from one to the next and check only those.
        for (var i = text[..limit].IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0 && i < limit;)
        {
            if (!char.IsHighSurrogate(text[i]) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
            {
                return i;
            }
            var next = text[(i + 2)..limit].IndexOfAnyInRange('\uD800', '\uDFFF');
            i = next < 0 ? -1 : i + 2 + next;
        }
        return nul;
    }

    public static bool IsStorable(string? text) => text is null || FirstUnstorable(text) < 0;

    public static string Message(string field) =>
        $"{field} contains a character that cannot be stored (NUL or an unpaired surrogate)";
}
