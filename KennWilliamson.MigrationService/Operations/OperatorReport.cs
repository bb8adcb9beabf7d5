using Npgsql;

namespace KennWilliamson.MigrationService.Operations;

/// <summary>
/// What an operator's verb tells the person (or dashboard command) that ran it: lines on standard output,
/// each also logged (to standard error for these verbs, and to the traces).
/// </summary>
internal sealed class OperatorReport(TextWriter output, ILogger logger)
{
    public void Line(string line)
    {
        output.WriteLine(line);
        output.Flush();
        if (line.Trim().Length > 0)
        {
            logger.LogInformation("{Line}", line.Trim());
        }
    }

    /// <summary>A question whose answer is read from standard input (a closed input answers nothing).</summary>
    public string? Ask(string question, TextReader input)
    {
        output.Write(question);
        output.Flush();
        var answer = input.ReadLine();
        output.WriteLine();
        return answer;
    }
}

/// <summary>How a database is named for people: "kennwilliamson on localhost:5432 as postgres".</summary>
internal static class DatabaseLabel
{
    public static string Of(NpgsqlConnectionStringBuilder b) => $"{b.Database} on {b.Host}:{b.Port} as {b.Username}";
}
