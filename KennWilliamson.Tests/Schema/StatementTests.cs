using System.Data;
using System.Reflection;
using KennWilliamson.Api.IncidentTimers;
using KennWilliamson.Data.Sql;
using KennWilliamson.MigrationService.Operations;
using KennWilliamson.Tests.Infrastructure;
using Npgsql;

namespace KennWilliamson.Tests.Schema;

/// <summary>
/// Every <see cref="SqlStatement"/> of the API, the worker and the shared data project, described by the migrated
/// database: the parameter types PostgreSQL infers for it (PREPARE) are those its code binds, and the columns it
/// returns are those its code reads, by name and type. A renamed column or a changed type fails here by the
/// statement's name, before any request runs it.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class StatementTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    /// <summary>The PostgreSQL types each CLR type is bound as or read from.</summary>
    private static readonly Dictionary<Type, string[]> PostgresTypes = new()
    {
        [typeof(Guid)] = ["uuid"],
        [typeof(string)] = ["text", "character varying"],
        [typeof(int)] = ["integer"],
        [typeof(long)] = ["bigint"],
        [typeof(double)] = ["double precision"],
        [typeof(bool)] = ["boolean"],
        [typeof(DateTimeOffset)] = ["timestamp with time zone"],
        [typeof(TimeSpan)] = ["interval"],
        [typeof(int[])] = ["integer[]"],
    };

    private static readonly Dictionary<string, SqlStatement> All = Discover();

    public static TheoryData<string> Statements => [.. All.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void Every_project_that_writes_sql_has_its_statements_found() =>
        Assert.Superset(new HashSet<string>(["TimerSql.PublicRead", "AccountSql.EmailKey", "AdminSql.GrantRole", "HealthSql.StorageSample",
            "AccessSql.HasRole", "LockSql.RoleLock", "UserSql.ByEmail", "OperatorSql.AuditPurge"]), All.Keys.ToHashSet());

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task A_statement_binds_and_reads_what_the_database_describes(string name)
    {
        var statement = All[name];
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        await using var transaction = await connection.BeginTransactionAsync();

        Assert.Equal(Describe(statement.Parameters), await ParameterTypesAsync(connection, transaction, statement));
        if (statement.Columns.Count > 0)
        {
            var expected = statement.Columns.Select(c => $"{c.Name} {Describe([c.Type])[0]}").ToList();
            Assert.Equal(expected, await ColumnsAsync(connection, transaction, statement));
        }
    }

    /// <summary>What PostgreSQL infers for $1, $2, ... with no type from the client.</summary>
    private static async Task<List<string>> ParameterTypesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SqlStatement statement)
    {
        await using (var prepare = new NpgsqlCommand($"PREPARE described AS {statement.Sql}", connection, transaction))
        {
            await prepare.ExecuteNonQueryAsync();
        }
        await using var read = new NpgsqlCommand("SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = 'described'", connection, transaction);
        var types = (string[])(await read.ExecuteScalarAsync())!;
        await using (var deallocate = new NpgsqlCommand("DEALLOCATE described", connection, transaction))
        {
            await deallocate.ExecuteNonQueryAsync();
        }
        return [.. types.Select(t => Accepted(t))];
    }

    /// <summary>The result columns, described without running the statement.</summary>
    private static async Task<List<string>> ColumnsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SqlStatement statement)
    {
        await using var command = new NpgsqlCommand(statement.Sql, connection, transaction);
        foreach (var type in statement.Parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = DBNull.Value, DataTypeName = PostgresTypes[type][0] });
        }
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SchemaOnly);
        return [.. (await reader.GetColumnSchemaAsync()).Select(c => $"{c.ColumnName} {Accepted(c.DataTypeName ?? "(unknown)")}")];
    }

    /// <summary>The first name of the type group a PostgreSQL type belongs to, or the type itself when no CLR type is bound to it.</summary>
    private static string Accepted(string postgresType) =>
        PostgresTypes.Values.FirstOrDefault(names => names.Contains(postgresType, StringComparer.Ordinal))?[0] ?? postgresType;

    private static List<string> Describe(IEnumerable<Type> types) =>
        [.. types.Select(t => PostgresTypes.TryGetValue(t, out var names) ? names[0] : $"(no PostgreSQL type for {t.Name})")];

    private static Dictionary<string, SqlStatement> Discover() =>
        new Assembly[] { typeof(TimerSql).Assembly, typeof(OperatorSql).Assembly, typeof(SqlStatement).Assembly }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Where(f => f.FieldType == typeof(SqlStatement))
                .Select(f => (Name: $"{t.Name}.{f.Name}", Statement: (SqlStatement)f.GetValue(null)!)))
            .ToDictionary(x => x.Name, x => x.Statement, StringComparer.Ordinal);
}
