using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using KennWilliamson.Tests.Security;

namespace KennWilliamson.Tests.Operations;

/// <summary>Database size, largest tables and free disk space in <c>/api/health/db</c>, for admins only.</summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class StorageDetailsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task An_admin_sees_the_database_size_the_largest_tables_and_the_free_space_of_the_data_directory()
    {
        var admin = await Admins.CreateAsync(fixture);
        await using var owner = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var expectedBytes = await owner.ScalarAsync<long>("SELECT pg_database_size(current_database())");

        using var response = await fixture.Api.SendAsync(HttpMethod.Get, "/api/health/db", token: admin.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var storage = (await response.JsonAsync()).GetProperty("storage");
        var databaseBytes = storage.GetProperty("database_bytes").GetInt64();
        Assert.InRange(databaseBytes, expectedBytes * 0.8, expectedBytes * 1.2); // the tests write meanwhile
        var tables = storage.GetProperty("largest_tables").EnumerateArray()
            .Select(t => (Name: t.GetProperty("table").GetString()!, Bytes: t.GetProperty("bytes").GetInt64())).ToList();
        Assert.Equal(5, tables.Count);
        Assert.Equal(tables.OrderByDescending(t => t.Bytes).Select(t => t.Name), tables.Select(t => t.Name));
        var users = await owner.ScalarAsync<long>("SELECT pg_total_relation_size('users')");
        Assert.True(tables.Any(t => t.Name == "users") || tables[^1].Bytes >= users, "users is among the largest tables, or smaller than all five");
        Assert.All(tables, t => Assert.True(t.Bytes > 0 && t.Bytes <= databaseBytes, $"{t.Name}: {t.Bytes}"));

        // The fixture's data directory is under the temp folder: the same filesystem.
        var disk = storage.GetProperty("data_directory");
        var drive = new DriveInfo(Path.GetTempPath());
        Assert.Equal(drive.TotalSize, disk.GetProperty("total_bytes").GetInt64());
        Assert.InRange(disk.GetProperty("free_bytes").GetInt64(), drive.AvailableFreeSpace * 0.95, drive.AvailableFreeSpace * 1.05);
        Assert.InRange(disk.GetProperty("free_ratio").GetDouble(), 0.0001, 1.0);
    }

    [Fact]
    public async Task Anyone_else_gets_the_original_body_without_storage_details()
    {
        var user = await fixture.Api.RegisterAsync();
        foreach (var token in new[] { null, user.Token })
        {
            using var response = await fixture.Api.SendAsync(HttpMethod.Get, "/api/health/db", token: token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.JsonAsync();
            Assert.Equal(["status", "database", "version", "applied_migrations"], body.EnumerateObject().Select(p => p.Name));
        }
    }
}

/// <summary>
/// The storage gauges reach an OpenTelemetry collector (the dashboard's Metrics view is one), and the
/// low-space warning is logged: with the limit at 100 % free, any real disk is "low".
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class StorageMetricsTests
{
    [Fact]
    public async Task The_storage_gauges_are_exported_and_a_low_free_space_warning_is_logged()
    {
        using var collector = new OtlpCollector();
        await using var app = await collector.StartApiAsync(("Monitoring:LowFreeSpaceRatio", "1"), ("Monitoring:StorageIntervalSeconds", "1"));

        await using var owner = await Connections.OpenAsync(app.Database.OwnerConnectionString);
        var largest = await owner.ScalarAsync<string>(
            "SELECT relname::text FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY pg_total_relation_size(oid) DESC, 1 LIMIT 1");
        string[] expected = ["kennwilliamson.db.size", "kennwilliamson.db.table.size", "kennwilliamson.db.data_directory.free",
            "kennwilliamson.db.data_directory.free_ratio", "db.table", largest];
        await collector.WaitForAsync(expected, TimeSpan.FromSeconds(60));
        // Traces flow too with the default sampling (every trace): TelemetrySamplingTests' control.
        using (var probe = await app.Api.SendAsync(HttpMethod.Get, "/api/health"))
        {
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (collector.Requests("/v1/traces") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no trace export arrived");
            await Task.Delay(250);
        }

        var warning = await app.WaitForLineAsync("Low disk space for PostgreSQL's data directory", TimeSpan.FromSeconds(30));
        Assert.Contains(app.Database.DataDirectory, warning, StringComparison.Ordinal);
        Assert.Contains("under the 100 % limit", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_default_limit_the_warning_follows_the_real_free_space()
    {
        await using var app = await ApiProcess.StartAsync(new Dictionary<string, string> { ["Monitoring:StorageIntervalSeconds"] = "1" });
        var free = new DriveInfo(app.Database.DataDirectory);
        var low = (double)free.AvailableFreeSpace / free.TotalSize < 0.10;

        await Task.Delay(TimeSpan.FromSeconds(3)); // a few samples
        var lines = app.Lines;

        Assert.Equal(low, lines.Any(l => l.Contains("Low disk space", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("Now listening", StringComparison.Ordinal)); // the log was read
    }
}
