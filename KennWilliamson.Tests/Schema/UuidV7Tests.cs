using KennWilliamson.Data.Entities;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Schema;

/// <summary>UUIDv7 keys made by the database, and pg_uuidv7's conversion functions.</summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class UuidV7Tests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    internal const string Sample = "018570bb-4a7d-7c7e-8df4-6d47afd8c8fc";
    internal const string SampleMillisecondBound = "018570bb-4a7d-7000-8000-000000000000";
    internal const string NextMillisecondBound = "018570bb-4a7e-7000-8000-000000000000";
    internal static readonly DateTimeOffset SampleTime = new(2023, 1, 2, 4, 26, 40, 637, TimeSpan.Zero);

    [Fact]
    public async Task Rows_inserted_with_raw_sql_and_no_id_get_version_7_variant_10_ids_stamped_with_now()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var userId = await connection.InsertUserAsync();
        var roleName = $"schema-{Guid.NewGuid():N}";
        try
        {
            var roleId = await connection.ScalarAsync<Guid>("INSERT INTO roles (name) VALUES ($1) RETURNING id", roleName);
            var assignmentId = await connection.ScalarAsync<Guid>(
                "INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2) RETURNING id", userId, roleId);
            var timerId = await connection.ScalarAsync<Guid>("INSERT INTO incident_timers (user_id) VALUES ($1) RETURNING id", userId);

            foreach (var id in new[] { userId, roleId, assignmentId, timerId })
            {
                var row = Assert.Single(await connection.RowsAsync("""
                    SELECT get_byte(uuid_send($1), 6) >> 4,
                           get_byte(uuid_send($1), 8) >> 6,
                           abs(extract(epoch FROM uuid_v7_to_timestamptz($1) - now()))::float8
                    """, id));
                Assert.Equal(7, (int)row[0]!);
                Assert.Equal(2, (int)row[1]!);
                Assert.True((double)row[2]! < 1.0, $"{id} is stamped {row[2]} s away from now()");

                var text = id.ToString();
                Assert.Equal('7', text[14]);
                Assert.Contains(text[19], "89ab");
            }
        }
        finally
        {
            await connection.DeleteUserAsync(userId);
            await connection.ExecuteAsync("DELETE FROM roles WHERE name = $1", roleName);
        }
    }

    [Fact]
    public async Task Entities_added_through_ef_get_their_version_7_ids_from_the_database()
    {
        await using var db = SchemaSql.CreateContext(fixture.OwnerConnectionString);
        var tag = Guid.NewGuid().ToString("N");
        var user = new User { Email = $"ef.{tag}@example.com", PasswordHash = "hash", DisplayName = "EF", Slug = $"ef-{tag}" };
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync().WaitAsync(SchemaSql.Timeout);

            await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
            Assert.True(await connection.ScalarAsync<bool>("SELECT EXISTS (SELECT FROM users WHERE id = $1)", user.Id));
            Assert.Equal(7, await connection.ScalarAsync<int>("SELECT get_byte(uuid_send($1), 6) >> 4", user.Id));
            Assert.True(await connection.ScalarAsync<bool>(
                "SELECT abs(extract(epoch FROM uuid_v7_to_timestamptz($1) - created_at)) < 1 FROM users WHERE id = $1", user.Id));
        }
        finally
        {
            await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
            await connection.ExecuteAsync("DELETE FROM users WHERE email = $1", user.Email);
        }
    }

    [Fact]
    public async Task A_thousand_ids_made_one_after_another_in_one_session_come_out_in_ascending_order()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var ids = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            ids.Add((await connection.ScalarAsync<Guid>("SELECT uuid_generate_v7()")).ToString());
        }

        AssertStrictlyAscending(ids);
    }

    /// <summary>PostgreSQL 18's built-in uuidv7() where the server has it (C speed), the portable SQL below 18.</summary>
    [Fact]
    public async Task The_generator_is_the_servers_built_in_uuidv7_from_postgresql_18_and_the_portable_one_before()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var major = int.Parse(await connection.ScalarAsync<string>("SELECT current_setting('server_version_num')"), System.Globalization.CultureInfo.InvariantCulture) / 10000;
        var source = await connection.ScalarAsync<string>("SELECT prosrc FROM pg_proc WHERE proname = 'uuid_generate_v7'");

        Assert.Equal(major >= 18, source.Contains("pg_catalog.uuidv7()", StringComparison.Ordinal));
        Assert.Equal("true", await connection.ScalarAsync<string>(
            "SELECT (uuid_v7_to_timestamptz(uuid_generate_v7()) BETWEEN now() - interval '1 minute' AND clock_timestamp())::text"));
    }

    [Fact]
    public async Task A_thousand_ids_made_in_one_statement_come_out_in_ascending_order()
    {
        // Most of these share a millisecond: only the sub-millisecond rand_a keeps them in order.
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var ids = await connection.ColumnAsync<string>(
            "SELECT id::text FROM (SELECT n, uuid_generate_v7() AS id FROM generate_series(1, 1000) n) g ORDER BY n");

        Assert.Equal(1000, ids.Count);
        AssertStrictlyAscending(ids);
    }

    private static void AssertStrictlyAscending(List<string> ids)
    {
        for (var i = 1; i < ids.Count; i++)
        {
            Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0, $"id {i} ({ids[i]}) is not after id {i - 1} ({ids[i - 1]})");
        }
    }
}
