#:project ../KennWilliamson.Api/KennWilliamson.Api.csproj
// What the /api edge check (RequestValidation → StorableText) costs per string: `dotnet run benchmarks/input-guard.cs`.
// Prints nanoseconds per scan for a public-read slug, a 255-character email and 10,000-character notes (with an
// emoji pair in each, so the surrogate path runs too), single-threaded, median of 15 rounds after a warm-up.
using System.Diagnostics;
using System.Globalization;
using KennWilliamson.Api.Infrastructure;

static double MedianNs(string text)
{
    const int Calls = 200_000;
    var samples = new List<double>();
    var sink = 0;
    for (var round = 0; round < 16; round++)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < Calls; i++)
        {
            sink += StorableText.FirstUnstorable(text);
        }
        if (round > 0) // round 0 is the warm-up
        {
            samples.Add(sw.Elapsed.TotalNanoseconds / Calls);
        }
    }
    GC.KeepAlive(sink);
    samples.Sort();
    return samples[samples.Count / 2];
}

var cases = new (string Name, string Text)[]
{
    ("slug", "kenn-williamson-2-😀"),
    ("email", new string('e', 240) + "😀@example.com"),
    ("notes", new string('n', 5_000) + "😀" + new string('n', 4_998)),
};
var lines = cases.Select(c => string.Create(CultureInfo.InvariantCulture, $"StorableText.FirstUnstorable, {c.Name} ({c.Text.Length:N0} chars): {MedianNs(c.Text):F1} ns median")).ToList();
lines.ForEach(Console.WriteLine);
// Like the other benchmarks, the figures also go to benchmarks/results/ (run from the repository root).
Directory.CreateDirectory(Path.Combine("benchmarks", "results"));
var file = Path.Combine("benchmarks", "results", $"input-guard-{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.txt");
File.WriteAllLines(file, lines);
