using System.Text.RegularExpressions;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Architecture;

/// <summary>
/// The API's folders are features (Admin, Auth, Health, IncidentTimers, Users) over a shared
/// Infrastructure. Read from the source: a folder depends on another when one of its files names that
/// folder's namespace (a using or a qualified name).
/// </summary>
public sealed partial class FeatureBoundaryTests
{
    private static readonly string Api = Path.Combine(TestPaths.RepositoryRoot, "KennWilliamson.Api");

    [Fact]
    public void No_two_api_folders_depend_on_each_other_both_ways()
    {
        var graph = Dependencies();
        Assert.True(graph.Count >= 6, $"folders found: {string.Join(", ", graph.Keys)}");

        var cycles = graph.SelectMany(a => a.Value.Where(b => graph.TryGetValue(b, out var back) && back.Contains(a.Key))
            .Select(b => $"{a.Key} <-> {b}")).ToList();

        Assert.Empty(cycles);
    }

    [Fact]
    public void Infrastructure_depends_on_no_feature_and_problems_come_from_it()
    {
        Assert.Empty(Dependencies()["Infrastructure"]);
        var problemFactories = SourceFiles().Where(f => !f.EndsWith("ApiProblems.cs", StringComparison.Ordinal))
            .Where(f => ProblemFactory().IsMatch(File.ReadAllText(f))).Select(Path.GetFileName).ToList();
        Assert.Empty(problemFactories);
    }

    [Fact]
    public void The_accounts_persistence_mints_no_tokens()
    {
        var accounts = File.ReadAllText(Path.Combine(Api, "Users", "UserAccounts.cs"));
        Assert.DoesNotContain("TokenService", accounts, StringComparison.Ordinal);
        Assert.DoesNotContain("AuthResponse", accounts, StringComparison.Ordinal);
        Assert.DoesNotContain("RefreshTokenStore", accounts, StringComparison.Ordinal);
    }

    /// <summary>
    /// A handler's outcomes are its signature: Results&lt;...&gt; of typed results whose statuses OpenAPI reads
    /// (RouteStatusTests holds the document to the answers). A ProblemHttpResult in it hides which status.
    /// </summary>
    [Fact]
    public void Handlers_declare_typed_outcomes_not_a_generic_problem()
    {
        var untyped = SourceFiles().Where(f => UntypedOutcome().IsMatch(File.ReadAllText(f))).Select(Path.GetFileName).ToList();
        Assert.Empty(untyped);
    }

    private static Dictionary<string, HashSet<string>> Dependencies()
    {
        var folders = Directory.GetDirectories(Api).Select(Path.GetFileName).OfType<string>()
            .Where(d => d is not ("bin" or "obj" or "Properties")).ToList();
        return folders.ToDictionary(f => f, f => Directory.GetFiles(Path.Combine(Api, f), "*.cs")
            .SelectMany(file => Namespace().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
            .Where(d => d != f && folders.Contains(d)).ToHashSet(StringComparer.Ordinal));
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Api, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex(@"KennWilliamson\.Api\.(\w+)")]
    private static partial Regex Namespace();

    /// <summary>A method of its own that wraps TypedResults.Problem: every feature uses ApiProblems instead.</summary>
    [GeneratedRegex(@"ProblemHttpResult\s+Problem\s*\(")]
    private static partial Regex ProblemFactory();

    [GeneratedRegex(@"Results<[^;{]*ProblemHttpResult")]
    private static partial Regex UntypedOutcome();
}
