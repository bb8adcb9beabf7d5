#:project ../KennWilliamson.Data/KennWilliamson.Data.csproj
// Measures what one password hash costs on this machine: `dotnet run benchmarks/password-hash.cs`.
// Prints the median of 15 hashes and of 15 verifications, single-threaded, after a warm-up.
using System.Diagnostics;
using System.Globalization;
using KennWilliamson.Data.Security;

static double MedianMs(Func<object> work)
{
    var samples = new List<double>();
    for (var i = 0; i < 15; i++)
    {
        var sw = Stopwatch.StartNew();
        GC.KeepAlive(work());
        samples.Add(sw.Elapsed.TotalMilliseconds);
    }
    samples.Sort();
    return samples[samples.Count / 2];
}

var hash = PasswordHasher.Hash("warm-up password");
var hashMs = MedianMs(() => PasswordHasher.Hash("CorrectHorse9"));
var verifyMs = MedianMs(() => PasswordHasher.Verify("CorrectHorse9", hash));
var line = string.Create(CultureInfo.InvariantCulture,
    $"PBKDF2-HMAC-SHA256, {PasswordHasher.Iterations} iterations: hash median {hashMs:F1} ms, verify median {verifyMs:F1} ms, {Environment.ProcessorCount} cores => at most {Environment.ProcessorCount * 1000 / verifyMs:F1} logins/s");
Console.WriteLine(line);
// Like the other benchmarks, the figures also go to benchmarks/results/ (run from the repository root).
Directory.CreateDirectory(Path.Combine("benchmarks", "results"));
var file = Path.Combine("benchmarks", "results", $"password-hash-{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.txt");
File.WriteAllText(file, line + Environment.NewLine);
Console.WriteLine($"results: {file}");
