using System.Globalization;
using CsCheck;
using KennWilliamson.MigrationService.Operations;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace KennWilliamson.Tests.Operations;

/// <summary>
/// The worker's <c>purge</c>: the audit events older than the retention go, the rest stay. The purge
/// itself on a clock the test sets, against a real database; then the verb as an operator runs it.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(28)]
public sealed class AuditPurgeTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static readonly DateTimeOffset Year2000 = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_purge_deletes_exactly_the_audit_events_older_than_the_retention()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_purge");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run")).ExitCode);
        await using var connection = await scratch.OpenAsync();

        // Any moment of a century (to the tick), any retention, any batch size; rows a microsecond either
        // side of the cutoff, on it, and anywhere within ten days of it.
        var gen = Gen.Select(Gen.Long[0, TimeSpan.TicksPerDay * 36_500], Gen.Int[1, AuditRetention.MaxDays / 10], Gen.Int[1, 4],
            Gen.Long[-TimeSpan.TicksPerDay * 10, TimeSpan.TicksPerDay * 10].Array[0, 12]);
        await gen.SampleAsync(async (nowTicks, days, batchSize, offsets) =>
        {
            var now = Year2000.AddTicks(nowTicks);
            var cutoff = now - TimeSpan.FromDays(days);
            // PostgreSQL keeps microseconds: each row's time as it is stored.
            var times = offsets.Concat([-10, 0, 10]).Select(o => Microseconds(cutoff.AddTicks(o))).Distinct().ToArray();
            await connection.ExecuteAsync("DELETE FROM audit_events");
            foreach (var time in times)
            {
                await connection.ExecuteAsync("INSERT INTO audit_events (action, occurred_at) VALUES ('test.aged', $1)", time);
            }

            var result = await new AuditPurge(new FakeTimeProvider(now), batchSize).RunAsync(scratch.ConnectionString, days, CancellationToken.None);

            var kept = (await connection.ColumnAsync<DateTime>("SELECT occurred_at FROM audit_events ORDER BY occurred_at"))
                .Select(t => new DateTimeOffset(t, TimeSpan.Zero)).ToArray();
            Assert.Equal(times.Where(t => t >= cutoff).Order().ToArray(), kept);
            Assert.Equal(times.Count(t => t < cutoff), result.Deleted);
        }, iter: 40, threads: 1);
    }

    [Fact]
    public async Task The_purge_script_deletes_the_events_older_than_the_retention_and_says_how_many()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_purgesh");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run")).ExitCode);
        await using var connection = await scratch.OpenAsync();
        foreach (var days in new[] { 0, 29, 31, 399, 401, 3000 })
        {
            await connection.ExecuteAsync("INSERT INTO audit_events (action, occurred_at) VALUES ($1, now() - make_interval(days => $2))",
                $"test.{days}", days);
        }
        var environment = Scripts.Environment(fixture, scratch.ConnectionString);

        var byDefault = await Scripts.RunAsync("purge-audit.sh", environment, null);

        Assert.True(byDefault.ExitCode == 0, byDefault.ToString());
        Assert.Contains("Purge done: 2 audit event(s) deleted, the last 400 days kept", byDefault.Output, StringComparison.Ordinal);
        Assert.Equal(["test.0", "test.29", "test.31", "test.399"], await ActionsAsync(connection));

        environment["AUDIT_RETENTION_DAYS"] = "30";
        var thirty = await Scripts.RunAsync("purge-audit.sh", environment, null);

        Assert.True(thirty.ExitCode == 0, thirty.ToString());
        Assert.Contains("Purge done: 2 audit event(s) deleted, the last 30 days kept", thirty.Output, StringComparison.Ordinal);
        Assert.Equal(["test.0", "test.29"], await ActionsAsync(connection));

        // Nothing old left: a second run deletes nothing and says so.
        var again = await Scripts.RunAsync("purge-audit.sh", environment, null);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Purge done: 0 audit event(s) deleted", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retention_that_is_not_a_whole_number_of_days_from_1_stops_the_purge_and_deletes_nothing()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(fixture, "ops_purgebad");
        Assert.Equal(0, (await scratch.RunWorkerAsync("run")).ExitCode);
        await using var connection = await scratch.OpenAsync();
        await connection.ExecuteAsync("INSERT INTO audit_events (action, occurred_at) VALUES ('test.old', now() - interval '5000 days')");

        // Every other spelling is the unit layer's (AuditRetentionTests): these show the script's path.
        foreach (var retention in new[] { "0", "forever" })
        {
            var environment = Scripts.Environment(fixture, scratch.ConnectionString);
            environment["AUDIT_RETENTION_DAYS"] = retention;

            var result = await Scripts.RunAsync("purge-audit.sh", environment, null);

            Assert.NotEqual(0, result.ExitCode);
            Assert.Equal(string.Create(CultureInfo.InvariantCulture,
                    $"purge-audit.sh: Audit:RetentionDays (AUDIT_RETENTION_DAYS) is '{retention}'; use a whole number of days from 1 to 36,500."),
                Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        }
        // The worker's own setting, as the dashboard passes it, is checked the same way.
        var worker = await scratch.RunWorkerAsync("purge", "--Audit:RetentionDays=0");
        Assert.Equal(1, worker.ExitCode);
        Assert.Contains("error: Audit:RetentionDays (AUDIT_RETENTION_DAYS) is '0'", worker.Error, StringComparison.Ordinal);
        Assert.Equal(["test.old"], await ActionsAsync(connection));
    }

    private static async Task<string[]> ActionsAsync(NpgsqlConnection connection) =>
        [.. await connection.ColumnAsync<string>("SELECT action::text FROM audit_events ORDER BY occurred_at DESC")];

    private static DateTimeOffset Microseconds(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
}
