using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace KennWilliamson.Data.Sql;

/// <summary>A result column: its name and the type the code reads it as.</summary>
public sealed record SqlColumn(string Name, Type Type);

/// <summary>
/// One hand-written statement with the types its code binds and the columns it reads. Each is described against
/// the migrated database by a test (StatementTests), so a renamed column or a changed type fails by its name.
/// Parameters are positional (<c>$1</c>, <c>$2</c>, ...) whether Npgsql or EF runs the statement.
/// </summary>
public sealed partial record SqlStatement(string Name, string Text, IReadOnlyList<Type> Parameters, IReadOnlyList<SqlColumn> Columns)
{
    public SqlStatement(string name, string text, IReadOnlyList<Type> parameters, params SqlColumn[] columns)
        : this(name, text, parameters, (IReadOnlyList<SqlColumn>)columns)
    {
    }

    /// <summary>The text with its name as a leading comment, which is how pg_stat_statements shows it.</summary>
    public string Sql { get; } = $"-- {Name}\n{Text}";

    /// <summary>The same text for EF, which binds only the arguments its <c>{0}</c>, <c>{1}</c>, ... placeholders name.</summary>
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

    /// <summary>The argument at <paramref name="position"/> (from 0), refused unless it is of the declared type; typed, so never boxed.</summary>
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
