using System.Globalization;
using Npgsql;

namespace KennWilliamson.MigrationService.Operations;

/// <summary>"table  rows" for every table of the public schema, as a small aligned report (after a reset or a restore).</summary>
internal static class RowCounts
{
    // count(*) per table in one statement: query_to_xml runs each table's count.
    private const string Sql = """
        SELECT c.relname::text,
               (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
        ORDER BY c.relname
        """;

    public static async Task PrintAsync(NpgsqlConnection connection, OperatorReport report, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        report.Line(Row("table", "rows"));
        while (await reader.ReadAsync(ct))
        {
            report.Line(Row(reader.GetString(0), reader.GetString(1)));
        }
    }

    private static string Row(string table, string rows) => string.Create(CultureInfo.InvariantCulture, $"  {table,-28} {rows}");
}
