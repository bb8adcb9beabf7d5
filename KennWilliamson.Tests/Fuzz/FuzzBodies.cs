using System.Text.RegularExpressions;
using CsCheck;

namespace KennWilliamson.Tests.Fuzz;

/// <summary>
/// JSON bodies from an operation's body schema: mostly objects whose members are valid, hostile, null, of the
/// wrong type or missing, with unknown and duplicate keys; also deep nesting, non-object JSON and malformed text.
/// </summary>
public static partial class FuzzBodies
{
    private static readonly Gen<string> WrongType = Gen.OneOf(
        "1", "-1", "0", "1e308", "-1e308", "0.5", "99999999999999999999", "true", "false", "[]", "{}", "[\"a\"]", "{\"a\":1}", "[null]");

    private static readonly Gen<string> Malformed = Gen.OneOf(
        "", "{", "}", "{\"a\":", "{\"a\":1,,}", "{\"a\" 1}", "nul", "tru", "{'a':1}", "{a:1}", "{\"a\":1}}", "}{", "[", "\"unterminated",
        "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":NaN}", "{\"a\":\"\u0001\"}", "\ufeff{}", "/* c */{}", "{\"a\":1} x");

    /// <summary>The body text, or null for no body at all.</summary>
    public static Gen<string?> For(IReadOnlyList<BodyProperty> properties, IReadOnlyDictionary<string, string[]> known)
    {
        var valid = Object(properties, known);
        return Gen.Frequency(
            (14, valid.Select(b => (string?)b)),
            (2, Gen.Select(valid, Gen.Int[1, 40], Gen.Bool, (body, depth, arrays) => (string?)Nest(body, depth, arrays))),
            (1, Gen.OneOf("[]", "1", "\"s\"", "null", "true", "[{}]").Select(b => (string?)b)),
            (2, Malformed.Select(b => (string?)b)),
            (1, Gen.Select(valid, Gen.Int[0, 1000], (body, cut) => (string?)body[..Math.Min(cut, body.Length)])), // truncated
            (1, Gen.Const((string?)null)));
    }

    private static Gen<string> Object(IReadOnlyList<BodyProperty> properties, IReadOnlyDictionary<string, string[]> known)
    {
        var members = properties.Select(p => Member(p, known)).ToArray();
        var extras = Gen.Frequency(
            (6, Gen.Const("")),
            (1, FuzzValues.Text.Select(t => $"{FuzzValues.Quote(t)}:{FuzzValues.Quote("x")}")), // an unknown key
            (1, Gen.Const("\"__proto__\":{\"admin\":true},\"roles\":[\"admin\"],\"user_id\":\"00000000-0000-0000-0000-000000000000\"")));
        var all = members.Aggregate(Gen.Const(Array.Empty<string>()), (gen, next) => Gen.Select(gen, next, (a, n) => (string[])[.. a, n]));
        return Gen.Select(all,
            extras, Gen.Int[0, 3],
            (parts, extra, duplicate) =>
            {
                var present = parts.Where(p => p.Length > 0).ToList();
                if (extra.Length > 0)
                {
                    present.Add(extra);
                }
                if (duplicate == 0 && present.Count > 0)
                {
                    present.Add(present[0]); // a duplicate key: the later one wins, or the request is refused
                }
                return "{" + string.Join(',', present) + "}";
            });
    }

    /// <summary>One member, "name":value, or "" when left out.</summary>
    private static Gen<string> Member(BodyProperty property, IReadOnlyDictionary<string, string[]> known) => Gen.Frequency(
        (property.Required ? 1 : 2, Gen.Const("")),
        (1, Gen.Const($"{FuzzValues.Quote(property.Name)}:null")),
        (2, WrongType.Select(v => $"{FuzzValues.Quote(property.Name)}:{v}")),
        (8, Value(property, known).Select(v => $"{FuzzValues.Quote(property.Name)}:{v}")));

    /// <summary>A value the schema allows, biased to what the field means so that valid requests get through too.</summary>
    private static Gen<string> Value(BodyProperty property, IReadOnlyDictionary<string, string[]> known)
    {
        var types = OpenApiOperations.Types(property.Schema);
        if (types.Contains("integer") || types.Contains("number"))
        {
            return FuzzValues.IntegerText.Select(Number);
        }
        if (OpenApiOperations.Format(property.Schema) == "date-time")
        {
            return FuzzValues.DateTime.Select(FuzzValues.Quote);
        }
        var meaningful = property.Name switch
        {
            "email" => Gen.Int[0, 1_000_000].Select(n => $"fuzz.{n}@example.com"),
            "password" => Gen.String[Gen.Char["abcdefXYZ0123456789!"], 8, 20],
            _ => FuzzValues.Text,
        };
        // A real account's email and password now and then, so that login can succeed too.
        var real = known.TryGetValue(property.Name, out var pool) ? Gen.OneOf(pool) : meaningful;
        return Gen.Frequency((1, real), (1, meaningful), (2, FuzzValues.Text)).Select(FuzzValues.Quote);
    }

    /// <summary>A JSON number when the text is one, else the text as a string.</summary>
    private static string Number(string text) => JsonNumber().IsMatch(text) ? text : FuzzValues.Quote(text);

    private static string Nest(string body, int depth, bool arrays) => arrays
        ? new string('[', depth) + body + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"notes\":", depth)) + body + new string('}', depth);

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")]
    private static partial Regex JsonNumber();
}
