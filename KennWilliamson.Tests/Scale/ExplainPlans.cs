using System.Text.Json;
using Npgsql;
using KennWilliamson.Tests.Schema;

namespace KennWilliamson.Tests.Scale;

/// <summary>One node of an EXPLAIN (FORMAT JSON) plan.</summary>
internal sealed record PlanNode(string NodeType, string? Relation, string? Index, bool HasIndexCondition, double? ActualRows, double? ActualLoops)
{
    /// <summary>Reads the whole relation: a sequential scan, or an index walked end to end without a condition.</summary>
    public bool ReadsEverything => NodeType == "Seq Scan" || (NodeType is "Index Scan" or "Index Only Scan" && !HasIndexCondition);

    public override string ToString() => $"{NodeType}{(Relation is null ? "" : " on " + Relation)}{(Index is null ? "" : " using " + Index)}";
}

/// <summary>
/// Statements as pg_stat_statements recorded them (constants and parameters as $n), prepared again in
/// another database and explained there.
/// </summary>
internal static class ExplainPlans
{
    /// <summary>The statements the API's role ran in the shared database, normalized by pg_stat_statements.</summary>
    public static Task<List<string>> ApiStatementsAsync(NpgsqlConnection owner) => owner.ColumnAsync<string>("""
        SELECT s.query FROM monitoring.pg_stat_statements s
        WHERE s.userid = 'kennwilliamson_app'::regrole
          AND s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND s.toplevel -- a function's own statements are planned with its arguments, not sent
        ORDER BY s.query
        """);

    /// <summary>PREPAREs the text as <paramref name="name"/> and returns its parameters' types as PostgreSQL inferred them.</summary>
    public static async Task<List<string>> PrepareAsync(NpgsqlConnection connection, string name, string sql)
    {
        await connection.ExecuteAsync($"DEALLOCATE ALL; PREPARE {name} AS {sql}");
        return await connection.ColumnAsync<string>("""
            SELECT t::text FROM pg_prepared_statements, unnest(parameter_types) WITH ORDINALITY AS p(t, i)
            WHERE name = $1 ORDER BY i
            """, name);
    }

    /// <summary>EXPLAIN [ANALYZE] EXECUTE name(arguments), arguments as SQL literals; every plan node, depth first.</summary>
    public static async Task<List<PlanNode>> ExplainAsync(NpgsqlConnection connection, string name, IEnumerable<string> arguments, bool analyze)
    {
        var args = string.Join(", ", arguments);
        var json = await connection.ScalarAsync<string>(
            $"EXPLAIN ({(analyze ? "ANALYZE, " : "")}FORMAT JSON) EXECUTE {name}{(args.Length == 0 ? "" : $"({args})")}");
        using var document = JsonDocument.Parse(json);
        var nodes = new List<PlanNode>();
        Collect(document.RootElement[0].GetProperty("Plan"), nodes);
        return nodes;
    }

    private static void Collect(JsonElement plan, List<PlanNode> nodes)
    {
        nodes.Add(new PlanNode(
            plan.GetProperty("Node Type").GetString()!,
            plan.TryGetProperty("Relation Name", out var relation) ? relation.GetString() : null,
            plan.TryGetProperty("Index Name", out var index) ? index.GetString() : null,
            plan.TryGetProperty("Index Cond", out _),
            plan.TryGetProperty("Actual Rows", out var rows) ? rows.GetDouble() : null,
            plan.TryGetProperty("Actual Loops", out var loops) ? loops.GetDouble() : null));
        if (plan.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                Collect(child, nodes);
            }
        }
    }
}
