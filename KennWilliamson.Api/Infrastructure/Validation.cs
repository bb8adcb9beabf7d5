namespace KennWilliamson.Api.Infrastructure;

/// <summary>A request body that checks itself; the errors are keyed by snake_case field name.</summary>
public interface IValidatable
{
    void Validate(FieldErrors errors);
}

/// <summary>Collects per-field messages; empty means valid.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
    }

    public void Required(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, $"{field} is required");
        }
    }

    public void Length(string field, string? value, int min, int max)
    {
        if (value is not null && (value.Length < min || value.Length > max))
        {
            Add(field, min > 0
                ? $"{field} must be between {min} and {max} characters"
                : $"{field} must be at most {max} characters");
        }
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public string FirstMessage => _errors.Values.First()[0];
}
