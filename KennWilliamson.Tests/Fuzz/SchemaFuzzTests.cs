using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using Xunit.Abstractions;

namespace KennWilliamson.Tests.Fuzz;

/// <summary>
/// Every operation of the API's OpenAPI document, fuzzed with CsCheck from its schemas (docs/security.md). Each
/// answer must be below 500, a 4xx must be problem details with <c>error</c>, the status must be one the document
/// lists for the operation, a 4xx must leave every table as it was, and no answer may take 2 s or more.
/// FUZZ_ITERATIONS (default 5,000) sets the request count, FUZZ_SEED replays a printed seed.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
[LongRunning(32)]
public sealed class SchemaFuzzTests(ApiFixture fixture, ITestOutputHelper output) : IClassFixture<ApiFixture>
{
    private static readonly TimeSpan MaxAnswer = TimeSpan.FromSeconds(2);
    private const int MaxResends = 3;

    [Fact]
    public async Task Every_operation_survives_schema_driven_fuzzing()
    {
        var iterations = long.TryParse(Environment.GetEnvironmentVariable("FUZZ_ITERATIONS"), CultureInfo.InvariantCulture, out var n) ? n : 5_000;
        var seed = Environment.GetEnvironmentVariable("FUZZ_SEED") is { Length: > 0 } s ? s : Environment.GetEnvironmentVariable("CsCheck_Seed");
        var target = await FuzzTarget.CreateAsync(fixture);
        Assert.True(target.Operations.Count >= 16, $"only {target.Operations.Count} operations in the OpenAPI document");

        // A client of its own: no retries or resilience handlers between the fuzzer and the API.
        using var http = new HttpClient { BaseAddress = fixture.Api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        await using var rows = new RowCounts(await Connections.OpenAsync(fixture.OwnerConnectionString));
        var stats = new FuzzStats();
        var before = await rows.ReadAsync();
        var clock = Stopwatch.StartNew();

        // One request at a time, so the rows read after a refused request can only have been changed by it.
        await FuzzCases.For(target.Operations, target.Known).SampleAsync(async fuzz =>
        {
            if (await target.RenewTokensIfOldAsync(fixture.Api))
            {
                before = await rows.ReadAsync(); // signing in stores refresh tokens: not the fuzzed request's doing
            }
            var (status, mediaType, body, elapsed) = await SendAsync(http, fuzz, target.TokenOf(fuzz.Caller));
            for (var resend = 0; resend < MaxResends && elapsed >= MaxAnswer && (status >= 400 || fuzz.Operation.Method == "GET"); resend++)
            {
                // Slow because of the request, or because other collections starved a shared 2-core machine? A
                // refused or read-only request is safe to send again after a pause: only a request slow every time fails.
                stats.Retimed++;
                await Task.Delay(TimeSpan.FromSeconds(1));
                (_, _, _, elapsed) = await SendAsync(http, fuzz, target.TokenOf(fuzz.Caller));
            }
            var after = await rows.ReadAsync();
            stats.Add(fuzz.Operation, status);
            var failure = Check(fuzz, status, mediaType, body, elapsed, status is >= 400 and < 500 && after != before ? (before, after) : null);
            before = after;
            if (failure is not null)
            {
                throw new InvalidOperationException($"{failure}\n  request: {fuzz}\n  answer: {status} {mediaType} {Excerpt(body)}");
            }
        }, writeLine: Report, seed: seed, iter: iterations, threads: 1, print: f => f.ToString());

        Report(stats.Summary(clock.Elapsed, seed));
        Assert.True(stats.Requests >= iterations, $"{stats.Requests} requests, {iterations} wanted");
    }

    /// <summary>The first property the answer breaks, or null.</summary>
    private static string? Check(FuzzCase fuzz, int status, string? mediaType, string body, TimeSpan elapsed, (string Before, string After)? written)
    {
        if (status >= 500)
        {
            return $"server error {status}";
        }
        if (!fuzz.Operation.Statuses.Contains(status))
        {
            return $"status {status} is not among those the OpenAPI document lists for {fuzz.Operation} ({string.Join(", ", fuzz.Operation.Statuses.Order())})";
        }
        if (status >= 400 && !IsProblem(mediaType, body) && !IsKestrelRefusal(fuzz, status, body))
        {
            return "a 4xx that is not application/problem+json with an error member";
        }
        if (written is var (was, now))
        {
            return $"a refused request wrote to the database: {was} -> {now}";
        }
        return elapsed >= MaxAnswer ? $"the answer took {elapsed.TotalMilliseconds:N0} ms" : null;
    }

    private static bool IsProblem(string? mediaType, string body)
    {
        if (mediaType != "application/problem+json")
        {
            return false;
        }
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && error.GetString()!.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Kestrel itself refuses two kinds of request line, with a bare status before any application code runs (so
    /// nothing can be written, and there is no hook to give the answer a body): 414 for a line over its 8 KB limit,
    /// and 400 for a path that decodes to a NUL. Those exact cases alone may come without problem details.
    /// </summary>
    private static bool IsKestrelRefusal(FuzzCase fuzz, int status, string body) => body.Length == 0 && status switch
    {
        414 => fuzz.Target.Length > KestrelMaxRequestLine,
        400 => fuzz.Target.Split('?')[0].Contains("%00", StringComparison.Ordinal),
        _ => false,
    };

    private const int KestrelMaxRequestLine = 8 * 1024 - 32;

    private static async Task<(int Status, string? MediaType, string Body, TimeSpan Elapsed)> SendAsync(HttpClient http, FuzzCase fuzz, string? token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(fuzz.Operation.Method), new Uri(fuzz.Target, UriKind.Relative));
        // A fresh documentation address per request: the per-address rate limits do not end the run early.
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", ApiClient.RandomClientAddress());
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (fuzz.Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(fuzz.Body));
            if (fuzz.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", fuzz.ContentType);
            }
        }
        var clock = Stopwatch.StartNew();
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, clock.Elapsed);
    }

    private static string Excerpt(string body) => body.Length <= 500 ? body : body[..500] + "...";

    /// <summary>To the test's output and to the console, so the count shows in the CI log too.</summary>
    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
