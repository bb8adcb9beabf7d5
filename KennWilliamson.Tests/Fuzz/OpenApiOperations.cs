using System.Text.Json;

namespace KennWilliamson.Tests.Fuzz;

/// <summary>A path or query parameter of an operation, with its (resolved) schema.</summary>
public sealed record ApiParameter(string Name, string In, JsonElement Schema);

/// <summary>A JSON body property: its name and resolved schema.</summary>
public sealed record BodyProperty(string Name, JsonElement Schema, bool Required);

/// <summary>One operation of the OpenAPI document: what to fuzz, and the statuses it may answer.</summary>
public sealed record ApiOperation(string Method, string Path, IReadOnlyList<ApiParameter> Parameters,
    IReadOnlyList<BodyProperty>? Body, IReadOnlySet<int> Statuses)
{
    public override string ToString() => $"{Method} {Path}";
}

/// <summary>Reads the operations out of the API's own <c>/openapi/v1.json</c> (OpenAPI 3.1, local <c>$ref</c>s only).</summary>
public static class OpenApiOperations
{
    public static IReadOnlyList<ApiOperation> Read(JsonElement document)
    {
        var schemas = document.TryGetProperty("components", out var components) && components.TryGetProperty("schemas", out var s)
            ? s
            : default;
        var operations = new List<ApiOperation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var parameters = operation.Value.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Select(p => new ApiParameter(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!,
                        Resolve(p.TryGetProperty("schema", out var schema) ? schema : default, schemas))).ToList()
                    : [];
                var statuses = operation.Value.GetProperty("responses").EnumerateObject()
                    .Select(r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
                operations.Add(new ApiOperation(operation.Name.ToUpperInvariant(), path.Name, parameters, BodyOf(operation.Value, schemas), statuses));
            }
        }
        return operations;
    }

    private static List<BodyProperty>? BodyOf(JsonElement operation, JsonElement schemas)
    {
        if (!operation.TryGetProperty("requestBody", out var body)
            || !body.GetProperty("content").TryGetProperty("application/json", out var json))
        {
            return null;
        }
        var schema = Resolve(json.GetProperty("schema"), schemas);
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()).ToHashSet() : [];
        return schema.TryGetProperty("properties", out var properties)
            ? properties.EnumerateObject().Select(p => new BodyProperty(p.Name, Resolve(p.Value, schemas), required.Contains(p.Name))).ToList()
            : [];
    }

    private static JsonElement Resolve(JsonElement schema, JsonElement schemas)
    {
        while (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference))
        {
            schema = schemas.GetProperty(reference.GetString()!.Split('/')[^1]);
        }
        return schema;
    }

    /// <summary>The schema's types: <c>"type": "integer"</c> or <c>"type": ["null", "string"]</c>.</summary>
    public static IReadOnlyList<string> Types(JsonElement schema) =>
        schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type) ? []
        : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList()
        : [type.GetString()!];

    public static string? Format(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var f) ? f.GetString() : null;
}
