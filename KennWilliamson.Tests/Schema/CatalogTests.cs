using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Schema;

/// <summary>The shared database's catalog (tables, columns, keys, indexes, triggers) after the AppHost's worker ran.</summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class CatalogTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Uuid = "uuid";
    private const string Varchar = "character varying";
    private const string Text = "text";
    private const string Timestamptz = "timestamp with time zone";
    private const string NewId = "uuid_generate_v7()";
    private const string Now = "now()";

    /// <summary>table, column, type, length, nullable, default — every column of the design, in order.</summary>
    public static TheoryData<string, string, string, int?, bool, string?> Columns => new()
    {
        { "users", "id", Uuid, null, false, NewId },
        { "users", "email", Varchar, 255, false, null },
        { "users", "password_hash", Varchar, 255, false, null },
        { "users", "display_name", Varchar, 100, false, null },
        { "users", "slug", Varchar, 255, false, null },
        { "users", "created_at", Timestamptz, null, false, Now },
        { "users", "updated_at", Timestamptz, null, false, Now },
        { "roles", "id", Uuid, null, false, NewId },
        { "roles", "name", Varchar, 50, false, null },
        { "roles", "description", Text, null, true, null },
        { "roles", "created_at", Timestamptz, null, false, Now },
        { "roles", "updated_at", Timestamptz, null, false, Now },
        { "user_roles", "id", Uuid, null, false, NewId },
        { "user_roles", "user_id", Uuid, null, false, null },
        { "user_roles", "role_id", Uuid, null, false, null },
        { "user_roles", "assigned_at", Timestamptz, null, false, Now },
        { "user_roles", "assigned_by", Uuid, null, true, null },
        { "incident_timers", "id", Uuid, null, false, NewId },
        { "incident_timers", "user_id", Uuid, null, false, null },
        { "incident_timers", "reset_timestamp", Timestamptz, null, false, Now },
        { "incident_timers", "notes", Text, null, true, null },
        { "incident_timers", "created_at", Timestamptz, null, false, Now },
        { "incident_timers", "updated_at", Timestamptz, null, false, Now },
    };

    [Theory]
    [MemberData(nameof(Columns))]
    public async Task Each_column_has_the_designed_type_length_nullability_and_default(
        string table, string column, string type, int? length, bool nullable, string? columnDefault)
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var rows = await connection.RowsAsync("""
            SELECT data_type::text, character_maximum_length::int, is_nullable::text, column_default::text
            FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = $1 AND column_name = $2
            """, table, column);

        var row = Assert.Single(rows);
        Assert.Equal(type, row[0]);
        Assert.Equal(length, (int?)row[1]);
        Assert.Equal(nullable ? "YES" : "NO", row[2]);
        Assert.Equal(columnDefault, (string?)row[3]);
    }

    [Fact]
    public async Task Each_table_has_exactly_the_designed_columns_and_an_id_primary_key()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        foreach (var table in Columns.Select(c => (string)c[0]).Distinct())
        {
            var expected = Columns.Where(c => (string)c[0] == table).Select(c => (string)c[1]).ToArray();
            var actual = await connection.ColumnAsync<string>(
                "SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                table);
            Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));

            Assert.Equal("PRIMARY KEY (id)", await connection.ScalarAsync<string>(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'", "public." + table));
        }
    }

    [Fact]
    public async Task Email_is_unique_regardless_of_case_through_one_unique_index_on_lower_email()
    {
        var indexes = await IndexesAsync("users");

        var email = Assert.Single(indexes, i => i.Keys.Contains("email", StringComparison.Ordinal));
        Assert.True(email.Unique);
        Assert.Equal("(lower((email)::text))", email.Keys);
        Assert.False(email.Partial);
    }

    [Theory]
    [InlineData("users", "(slug)")]
    [InlineData("roles", "(name)")]
    [InlineData("user_roles", "(user_id, role_id)")]
    public async Task The_designed_unique_keys_have_a_unique_index(string table, string keys)
    {
        var indexes = await IndexesAsync(table);

        Assert.Contains(indexes, i => i.Unique && !i.Partial && i.Keys == keys);
    }

    [Fact]
    public async Task Timers_have_one_index_on_user_id_then_reset_timestamp_and_id_descending()
    {
        var indexes = await IndexesAsync("incident_timers");

        // Newest first with id as the tie-break: the public read's one row and the list's keyset pages.
        var index = Assert.Single(indexes, i => !i.Unique);
        Assert.Equal(("idx_incident_timers_user_reset_id", false, "(user_id, reset_timestamp DESC, id DESC)"), (index.Name, index.Partial, index.Keys));
    }

    [Theory]
    [InlineData("users")]
    [InlineData("roles")]
    [InlineData("user_roles")]
    [InlineData("incident_timers")]
    public async Task No_index_duplicates_another_on_the_same_key_columns(string table)
    {
        var indexes = await IndexesAsync(table);

        var duplicates = indexes
            .GroupBy(i => i.Keys.Replace(" DESC", "", StringComparison.Ordinal), StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(i => i.Name))}");
        Assert.Empty(duplicates);
    }

    [Theory]
    [InlineData("users", "email")]
    [InlineData("users", "slug")]
    [InlineData("roles", "name")]
    public async Task No_plain_index_repeats_a_unique_column(string table, string column)
    {
        var indexes = await IndexesAsync(table);

        Assert.DoesNotContain(indexes, i => !i.Unique && (i.Keys == $"({column})" || i.Keys == $"(lower(({column})::text))"));
    }

    private sealed record IndexInfo(string Name, bool Unique, bool Partial, string Keys);

    /// <summary>Every index of a table, with its key list as pg_get_indexdef prints it, e.g. "(user_id, reset_timestamp DESC)".</summary>
    private async Task<List<IndexInfo>> IndexesAsync(string table)
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var rows = await connection.RowsAsync("""
            SELECT i.relname::text, x.indisunique, x.indpred IS NOT NULL,
                   substring(pg_get_indexdef(x.indexrelid) FROM 'USING \w+ (\(.*\))')
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = $1::regclass
            """, "public." + table);
        return rows.Select(r => new IndexInfo((string)r[0]!, (bool)r[1]!, (bool)r[2]!, (string)r[3]!)).ToList();
    }
}
