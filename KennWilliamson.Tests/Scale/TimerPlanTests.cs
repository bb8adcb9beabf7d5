using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;

namespace KennWilliamson.Tests.Scale;

/// <summary>
/// Issue 16: the public read and a list page cost the same however many timers the user has. The
/// statements are the ones the API sent (pg_stat_statements of the shared database, found by their EF
/// tags), explained with ANALYZE in <see cref="HistoryDatabase"/>. A plan, not a timing.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class TimerPlanTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string TimersIndex = "idx_incident_timers_user_reset_id";

    [Fact]
    public async Task The_public_read_goes_through_the_slug_then_reads_one_timer_row_of_a_user_with_20000()
    {
        var owner = await fixture.Api.RegisterAsync();
        using (var created = await fixture.Api.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "plan" }, owner.Token))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using (var read = await fixture.Api.SendAsync(HttpMethod.Get, $"/api/{owner.Slug}/incident-timer"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        var nodes = await ExplainTaggedAsync("public timer read", type => type switch
        {
            "character varying" or "text" => $"'{HistoryDatabase.HeavySlug}'",
            "bigint" or "integer" => "1",
            _ => throw new InvalidOperationException($"unexpected parameter type {type}"),
        });

        AssertNoSeqScan(nodes);
        Assert.Contains(nodes, n => n.Relation == "users" && n.Index == "ix_users_slug");
        var timers = Assert.Single(nodes, n => n.Relation == "incident_timers");
        Assert.Contains(timers.NodeType, (string[])["Index Scan", "Index Only Scan"]);
        Assert.Equal(TimersIndex, timers.Index);
        Assert.Equal(1, timers.ActualRows * timers.ActualLoops);
    }

    [Fact]
    public async Task A_list_page_deep_in_a_history_of_20000_reads_only_its_own_rows()
    {
        var owner = await fixture.Api.RegisterAsync();
        using (var page = await fixture.Api.SendAsync(HttpMethod.Get, "/api/incident-timers?limit=100&before=2025-01-01T00:00:00Z%2C00000000-0000-0000-0000-000000000000", token: owner.Token))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        var heavy = await HeavyUserAsync();

        // The cursor is the 10,000th newest timer: an OFFSET would read 10,100 rows here.
        var middle = await (await (await HistoryDatabase.GetAsync(fixture)).OpenAsync()).RowsAsync("""
            SELECT reset_timestamp, id FROM incident_timers WHERE user_id = $1
            ORDER BY reset_timestamp DESC, id DESC OFFSET 9999 LIMIT 1
            """, heavy);
        var (cursorTime, cursorId) = ((DateTime)middle[0][0]!, (Guid)middle[0][1]!);
        var nodes = await ExplainTaggedAsync("timer list page", type => type switch
        {
            "uuid" => $"'{heavy}'",
            "timestamp with time zone" => $"'{cursorTime:O}'",
            "bigint" or "integer" => "100",
            _ => throw new InvalidOperationException($"unexpected parameter type {type}"),
        }, statement => statement.Contains("ROW(", StringComparison.OrdinalIgnoreCase) || statement.Contains(") < (", StringComparison.Ordinal),
        cursorId);

        AssertNoSeqScan(nodes);
        var timers = Assert.Single(nodes, n => n.Relation == "incident_timers");
        Assert.Equal(TimersIndex, timers.Index);
        Assert.Equal(100, timers.ActualRows * timers.ActualLoops);
    }

    private static void AssertNoSeqScan(List<PlanNode> nodes) =>
        Assert.DoesNotContain(nodes, n => n.ReadsEverything && n.Relation is "incident_timers" or "users");

    private async Task<Guid> HeavyUserAsync()
    {
        await using var connection = await (await HistoryDatabase.GetAsync(fixture)).OpenAsync();
        return await connection.ScalarAsync<Guid>("SELECT id FROM users WHERE slug = $1", HistoryDatabase.HeavySlug);
    }

    /// <summary>
    /// The API's statement carrying the EF tag (and matching <paramref name="which"/>), prepared in the
    /// seeded database and run under EXPLAIN ANALYZE with arguments by type (a second uuid: <paramref name="secondUuid"/>).
    /// </summary>
    private async Task<List<PlanNode>> ExplainTaggedAsync(string tag, Func<string, string> argument, Func<string, bool>? which = null, Guid? secondUuid = null)
    {
        await using var shared = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var statement = Assert.Single(await ExplainPlans.ApiStatementsAsync(shared),
            s => s.Contains("-- " + tag, StringComparison.Ordinal) && (which is null || which(s)));

        await using var history = await (await HistoryDatabase.GetAsync(fixture)).OpenAsync();
        var types = await ExplainPlans.PrepareAsync(history, "tagged", statement);
        var uuids = 0;
        var arguments = types.Select(t => t == "uuid" && uuids++ > 0 ? $"'{secondUuid}'" : argument(t));
        return await ExplainPlans.ExplainAsync(history, "tagged", arguments, analyze: true);
    }
}
