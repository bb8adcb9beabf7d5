using Npgsql;

namespace KennWilliamson.MigrationService.Operations;

/// <summary>An operator's verb's report: standard output, each line also logged.</summary>
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

    /// <summary>The read cannot be cancelled, so it is awaited with the token: Ctrl+C ends the verb at once.</summary>
    public async Task<string?> AskAsync(string question, TextReader input, CancellationToken ct)
    {
        output.Write(question);
        output.Flush();
        var answer = await Task.Run(input.ReadLine, CancellationToken.None).WaitAsync(ct);
        output.WriteLine();
        return answer;
    }
}

/// <summary>How a database is named for people: "kennwilliamson on localhost:5432 as postgres".</summary>
internal static class DatabaseLabel
{
    public static string Of(NpgsqlConnectionStringBuilder b) => $"{b.Database} on {b.Host}:{b.Port} as {b.Username}";
}
