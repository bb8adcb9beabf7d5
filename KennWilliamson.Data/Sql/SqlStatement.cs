using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace KennWilliamson.Data.Sql;

public sealed record SqlColumn(string Name, Type Type);

/// <summary>A hand-written statement with its bound types and read columns, which StatementTests check against the schema.</summary>
public sealed partial record SqlStatement(string Name, string Text, IReadOnlyList<Type> Parameters, IReadOnlyList<SqlColumn> Columns)
{
    public SqlStatement(string name, string text, IReadOnlyList<Type> parameters, params SqlColumn[] columns)
        : this(name, text, parameters, (IReadOnlyList<SqlColumn>)columns)
    {
    }

    /// <summary>Named in a leading comment, which is how pg_stat_statements shows it.</summary>
    public string Sql { get; } = $"-- {Name}\n{Text}";

    /// <summary>EF binds only the arguments its <c>{0}</c>, <c>{1}</c>, ... placeholders name.</summary>
    public string EfSql { get; } = Positional().Replace($"-- {Name}\n{Text}", m => $"{{{int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture) - 1}}}");

    public NpgsqlCommand CreateCommand(NpgsqlDataSource database, params ReadOnlySpan<NpgsqlParameter> arguments)
    {
        CheckCount(arguments.Length);
        var command = database.CreateCommand(Sql);
        foreach (var argument in arguments)
        {
            command.Parameters.Add(argument);
        }
        return command;
    }

    public void CheckCount(int arguments)
    {
        if (arguments != Parameters.Count)
        {
            throw new ArgumentException($"{Name} takes {Parameters.Count} arguments, not {arguments}.", nameof(arguments));
        }
    }

    /// <summary>Typed, so never boxed, and refused unless of the declared type.</summary>
    public NpgsqlParameter Argument<T>(int position, T value)
    {
        if (typeof(T) != Parameters[position])
        {
            throw new ArgumentException($"{Name} binds ${position + 1} as {Parameters[position].Name}, not {typeof(T).Name}.", nameof(value));
        }
        return new NpgsqlParameter<T> { TypedValue = value }; // a null reference is sent as SQL NULL
    }

    [GeneratedRegex(@"\$(\d+)")]
    private static partial Regex Positional();
}
