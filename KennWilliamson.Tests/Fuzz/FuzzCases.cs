using CsCheck;

namespace KennWilliamson.Tests.Fuzz;

public enum Caller { Anonymous, User, Admin }

/// <summary>One generated request. Its text is what a failure prints: enough to replay it by hand.</summary>
public sealed record FuzzCase(ApiOperation Operation, Caller Caller, string Target, string? Body, string? ContentType)
{
    public override string ToString()
    {
        var body = Body is null ? "(no body)"
            : Body.Length <= 2_000 ? FuzzValues.Quote(Body)
            : $"{FuzzValues.Quote(Body[..2_000])}... ({Body.Length:N0} characters)";
        var target = Target.Length <= 2_000 ? Target : $"{Target[..2_000]}... ({Target.Length:N0} characters)";
        return $"{Operation.Method} {target} as {Caller}, Content-Type: {ContentType ?? "(none)"}, body: {body} [operation {Operation}]";
    }
}

/// <summary>
/// Builds the CsCheck generator of whole requests from the OpenAPI operations: an operation (weighted, see
/// <see cref="Weight"/>), a caller, path values, query values, a body and its content type.
/// </summary>
public static class FuzzCases
{
    /// <summary>Real values to mix in by parameter name, so valid requests reach the handlers: ids, slugs, role names.</summary>
    public static Gen<FuzzCase> For(IReadOnlyList<ApiOperation> operations, IReadOnlyDictionary<string, string[]> known) =>
        Gen.Frequency(operations.Select(op => (Weight(op), (IGen<FuzzCase>)Case(op, known))).ToArray());

    /// <summary>
    /// Login and register hash a password (~100 ms of CPU each) whenever the body is well formed, so they get a
    /// smaller share; every other operation is cheap and gets the bulk of the requests.
    /// </summary>
    private static int Weight(ApiOperation operation) =>
        operation.Path is "/api/auth/login" or "/api/auth/register" ? 1 : 5;

    private static Gen<FuzzCase> Case(ApiOperation operation, IReadOnlyDictionary<string, string[]> known)
    {
        var path = operation.Parameters.Where(p => p.In == "path")
            .Aggregate(Gen.Const(operation.Path), (gen, parameter) => Gen.Select(gen, PathValue(parameter, known),
                (template, value) => template.Replace("{" + parameter.Name + "}", value, StringComparison.Ordinal)));
        var query = Query(operation.Parameters.Where(p => p.In == "query").ToList());
        var body = operation.Body is { } properties ? FuzzBodies.For(properties, known) : Gen.Const((string?)null);
        var contentType = Gen.Frequency(
            (16, Gen.Const<string?>("application/json")),
            (1, Gen.OneOf<string?>("text/plain", "application/xml", "application/x-www-form-urlencoded", null)));
        return Gen.Select(Gen.Enum<Caller>(), path, query, body, contentType,
            (caller, p, q, b, type) => new FuzzCase(operation, caller, p + q, b, b is null ? null : type));
    }

    private static Gen<string> PathValue(ApiParameter parameter, IReadOnlyDictionary<string, string[]> known)
    {
        var values = known.TryGetValue(parameter.Name, out var pool) && pool.Length > 0
            ? Gen.Frequency((2, Gen.OneOf(pool)), (1, Gen.Guid.Select(g => g.ToString())), (4, FuzzValues.Text))
            : Gen.Frequency((1, Gen.Guid.Select(g => g.ToString())), (4, FuzzValues.Text));
        // An empty segment or a dot segment is another route (the client or the server folds it away), not this one.
        return values.Select(v => v.Length == 0 || v.Trim('.').Length == 0 ? "x" + v : v).Select(UrlValue);
    }

    /// <summary>"?name=value&amp;..." with each documented parameter present or not, sometimes twice, plus unknown ones.</summary>
    private static Gen<string> Query(List<ApiParameter> parameters)
    {
        var pairs = parameters.Select(p =>
        {
            var value = OpenApiOperations.Types(p.Schema).Contains("integer") ? FuzzValues.IntegerText : FuzzValues.Text;
            var one = value.Select(v => $"{p.Name}={UrlValue(v)}");
            return Gen.Frequency((2, Gen.Const("")), (6, one), (1, Gen.Select(one, one, (a, b) => $"{a}&{b}")));
        }).ToList();
        pairs.Add(Gen.Frequency((8, Gen.Const("")), (1, FuzzValues.Text.Select(t => $"{UrlValue(t)}=1")), (1, Gen.Const("page[]=1&PAGE=2"))));
        return pairs.Aggregate(Gen.Const(""), (gen, next) => Gen.Select(gen, next, (a, b) => b.Length == 0 ? a : a.Length == 0 ? b : $"{a}&{b}"))
            .Select(q => q.Length == 0 ? "" : "?" + q);
    }

    /// <summary>
    /// Percent-encoded, from at most 300 characters: Kestrel refuses a request line over 8 KB itself (414, and with
    /// a body on its way it may close the connection before the client reads that). The 100,000-character strings
    /// go in bodies; several long values in one URL still reach 414 now and then.
    /// </summary>
    private static string UrlValue(string value) => FuzzValues.Escape(value.Length <= 300 ? value
        : value[..(char.IsHighSurrogate(value[299]) ? 299 : 300)]);
}
