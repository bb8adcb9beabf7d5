using KennWilliamson.Data.Sql;
using Npgsql;

namespace KennWilliamson.UnitTests.Data;

/// <summary>A statement's code can bind only what the statement declares: the count and each type.</summary>
[Trait("Category", "Unit")]
public sealed class SqlStatementTests
{
    private static readonly SqlStatement Statement = new("probe", "SELECT $1, $2", [typeof(Guid), typeof(string)]);

    [Fact]
    public void An_argument_of_the_declared_type_is_bound_typed()
    {
        var id = Guid.NewGuid();
        Assert.Equal(id, Assert.IsType<NpgsqlParameter<Guid>>(Statement.Argument(0, id)).TypedValue);
        Assert.Null(Assert.IsType<NpgsqlParameter<string>>(Statement.Argument<string?>(1, null)).TypedValue);
    }

    [Fact]
    public void An_argument_of_another_type_is_refused_naming_the_statement_and_position()
    {
        var refused = Assert.Throws<ArgumentException>(() => Statement.Argument(0, "not a uuid"));
        Assert.StartsWith("probe binds $1 as Guid, not String.", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Another_count_of_arguments_is_refused(int count) =>
        Assert.Throws<ArgumentException>(() => Statement.CheckCount(count));

    [Fact]
    public void The_text_sent_carries_the_statement_name_for_pg_stat_statements() =>
        Assert.Equal("-- probe\nSELECT $1, $2", Statement.Sql);

    [Fact]
    public void Ef_gets_the_text_with_its_own_placeholders() =>
        Assert.Equal("-- p\nSELECT {0}::uuid::text, {0}, {9}", new SqlStatement("p", "SELECT $1::uuid::text, $1, $10", []).EfSql);
}
