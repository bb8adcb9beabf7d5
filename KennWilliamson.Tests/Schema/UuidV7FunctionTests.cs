using KennWilliamson.Tests.Infrastructure;
using Npgsql;

namespace KennWilliamson.Tests.Schema;

[Trait(Layer.Trait, Layer.Api)]
public sealed class UuidV7FunctionTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Uuid_v7_to_timestamptz_reads_the_millisecond_timestamp()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);

        Assert.True(await connection.ScalarAsync<bool>(
            $"SELECT uuid_v7_to_timestamptz('{UuidV7Tests.Sample}') = '2023-01-02 04:26:40.637+00'::timestamptz"));
        Assert.Equal(UuidV7Tests.SampleTime.UtcDateTime, await connection.ScalarAsync<DateTime>($"SELECT uuid_v7_to_timestamptz('{UuidV7Tests.Sample}')"));
        Assert.True(await connection.ScalarAsync<bool>(
            $"SELECT uuid_v7_to_timestamp('{UuidV7Tests.Sample}') = '2023-01-02 04:26:40.637'::timestamp"));
    }

    [Fact]
    public async Task Uuid_timestamptz_to_v7_with_zero_gives_the_smallest_uuid_of_that_millisecond()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);

        Assert.Equal(Guid.Parse(UuidV7Tests.SampleMillisecondBound), await connection.ScalarAsync<Guid>(
            "SELECT uuid_timestamptz_to_v7('2023-01-02 04:26:40.637+00', true)"));
        Assert.Equal(Guid.Parse(UuidV7Tests.SampleMillisecondBound), await connection.ScalarAsync<Guid>(
            "SELECT uuid_timestamp_to_v7('2023-01-02 04:26:40.637', true)"));
    }

    [Fact]
    public async Task Uuid_timestamptz_to_v7_without_zero_is_above_that_bound_with_the_same_timestamp()
    {
        await using var connection = await Connections.OpenAsync(fixture.OwnerConnectionString);

        var rows = await connection.RowsAsync($"""
            SELECT u > '{UuidV7Tests.SampleMillisecondBound}'::uuid,
                   u < '{UuidV7Tests.NextMillisecondBound}'::uuid,
                   uuid_v7_to_timestamptz(u) = '2023-01-02 04:26:40.637+00'::timestamptz,
                   get_byte(uuid_send(u), 6) >> 4 = 7 AND get_byte(uuid_send(u), 8) >> 6 = 2,
                   u::text
            FROM (SELECT uuid_timestamptz_to_v7('2023-01-02 04:26:40.637+00') AS u FROM generate_series(1, 100)) g
            """);

        Assert.Equal(100, rows.Count);
        Assert.All(rows, r => Assert.True(r[..4].All(v => (bool)v!), $"{r[4]}: above {r[0]}, below next {r[1]}, same ms {r[2]}, v7 {r[3]}"));
        Assert.True(rows.Select(r => r[4]).Distinct().Count() > 1, "the random bits did not vary");
    }


    [Fact]
    public async Task The_functions_keep_working_in_a_session_with_another_time_zone()
    {
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(fixture.OwnerConnectionString) { Timezone = "America/Chicago" }.ConnectionString);
        await connection.OpenAsync().WaitAsync(SchemaSql.Timeout);

        Assert.True(await connection.ScalarAsync<bool>(
            $"SELECT uuid_v7_to_timestamptz('{UuidV7Tests.Sample}') = '2023-01-02 04:26:40.637+00'::timestamptz"));
        Assert.Equal(Guid.Parse(UuidV7Tests.SampleMillisecondBound), await connection.ScalarAsync<Guid>(
            "SELECT uuid_timestamptz_to_v7('2023-01-02 04:26:40.637+00', true)"));
    }
}
