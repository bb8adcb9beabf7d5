using KennWilliamson.MigrationService.Operations;
using Npgsql;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>
/// DATABASE_URL's edges one at a time: an empty host or port part, the port's range, the query's pairs and
/// each sslmode name; and each fault answered with its own fixed message, not a neighbour's.
/// </summary>
[Trait("Category", "Unit")]
public sealed class DatabaseUrlEdgeTests
{
    [Theory]
    [InlineData("postgresql://u:p@/db", "localhost", 5432, "db")]
    [InlineData("postgresql://u:p@:5433/db", "localhost", 5433, "db")]
    [InlineData("postgresql://u:p@h:1/db", "h", 1, "db")]
    [InlineData("postgresql://u:p@h:65535/db", "h", 65535, "db")]
    [InlineData("postgresql://u:p@h", "h", 5432, "kennwilliamson")]
    [InlineData("postgresql://u:p@h/", "h", 5432, "kennwilliamson")]
    [InlineData("postgresql://@h/db", "h", 5432, "db")]
    [InlineData("postgresql://u:p@[::1]:5433,db2/x", "[::1]:5433,db2", 5432, "x")]
    [InlineData("postgresql://u:p@db1,[::1]/x", "db1,[::1]", 5432, "x")]
    public void Empty_and_edge_parts_read_as_libpq_reads_them(string url, string host, int port, string database)
    {
        var parsed = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString(url));

        Assert.Equal((host, port, database), (parsed.Host, parsed.Port, parsed.Database));
    }

    [Theory]
    [InlineData("postgresql://u:p@h?sslmode=require", SslMode.Require)]
    [InlineData("postgresql://u:p@h/db?connect_timeout=5&sslmode=verify-full", SslMode.VerifyFull)]
    public void The_query_follows_the_host_or_the_database(string url, SslMode mode) =>
        Assert.Equal(mode, new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString(url)).SslMode);

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("allow", SslMode.Allow)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("require", SslMode.Require)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void Each_libpq_sslmode_name_is_its_npgsql_mode_and_back(string name, SslMode mode)
    {
        Assert.Equal(mode, new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString($"postgresql://u:p@h/db?sslmode={name}")).SslMode);
        Assert.Equal(name, DatabaseUrl.SslModeName(mode));
    }

    public static TheoryData<string, string> Faults => new()
    {
        { "postgresql://u:p@h:0/db", DatabaseUrl.BadPort },
        { "postgresql://u:p@h:65536/db", DatabaseUrl.BadPort },
        { "postgresql://u:p@h:/db", DatabaseUrl.BadPort },
        { "postgresql://u:p@h//db", DatabaseUrl.BadDatabase },
        { "postgresql://u:p@h/db?connect_timeout", DatabaseUrl.BadQuery },
        { "postgresql://u:p@h/db?Connect=1", DatabaseUrl.BadQuery },
        { "postgresql://u:p@h/db?sslmode=", DatabaseUrl.BadSslMode },
        { "postgresql://u:p@h h/db", DatabaseUrl.BadHost },
        { "://u:p@h/db", DatabaseUrl.NotAUrl },
        { "http://u:p@h/db", DatabaseUrl.NotAUrl },
        { "postgresql:/u:p@h/db", DatabaseUrl.NotAUrl },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void Each_fault_gets_its_own_message(string url, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => DatabaseUrl.ToConnectionString(url)).Message);
}
