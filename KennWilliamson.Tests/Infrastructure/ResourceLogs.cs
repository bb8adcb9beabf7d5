using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace KennWilliamson.Tests.Infrastructure;

/// <summary>What the resources have logged: the console backlog the dashboard shows for each one.</summary>
public static partial class ResourceLogs
{
    /// <summary>Every line every resource has logged so far, each as "resource: line".</summary>
    public static async Task<List<string>> ReadAllAsync(DistributedApplication app)
    {
        var loggers = app.Services.GetRequiredService<ResourceLoggerService>();
        var lines = new List<string>();
        foreach (var resource in app.Services.GetRequiredService<DistributedApplicationModel>().Resources)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await foreach (var batch in loggers.GetAllAsync(resource).WithCancellation(cts.Token))
            {
                lines.AddRange(batch.Select(l => $"{resource.Name}: {l.Content}"));
            }
        }
        return lines;
    }

    /// <summary>
    /// An entry the dashboard counts as an error: .NET's console logger writes Error and Critical as
    /// "fail:" and "crit:", PostgreSQL its severities ERROR, FATAL and PANIC followed by a colon.
    /// </summary>
    public static bool IsErrorLevel(string line) => ErrorLevel().IsMatch(ColourCodes().Replace(line, ""));

    [GeneratedRegex(@"(^|\s)(fail|crit): |\b(ERROR|FATAL|PANIC):\s")]
    private static partial Regex ErrorLevel();

    // The console logger colours its level names ("\e[41m\e[30mfail\e[39m..."): matched without them.
    [GeneratedRegex(@"\x1B\[[0-9;]*m")]
    private static partial Regex ColourCodes();
}
