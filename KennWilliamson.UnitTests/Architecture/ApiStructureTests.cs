using System.Reflection;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using KennWilliamson.Api.Accounts;
using KennWilliamson.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace KennWilliamson.UnitTests.Architecture;

/// <summary>
/// The API's compiled structure: features (Accounts, Admin, Health, IncidentTimers) over a shared
/// Infrastructure that knows none of them, no two features leaning on each other both ways, and handlers whose
/// outcomes are typed results, so the OpenAPI document knows every status.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ApiStructureTests
{
    private const string Root = "KennWilliamson.Api";
    private static readonly System.Reflection.Assembly ApiAssembly = typeof(TokenService).Assembly;
    private static readonly ArchUnitNET.Domain.Architecture Api = new ArchLoader().LoadAssemblies(ApiAssembly).Build();

    private static readonly string[] Features = [.. ApiAssembly.GetTypes()
        .Select(t => t.Namespace).OfType<string>()
        .Where(n => n.StartsWith(Root + ".", StringComparison.Ordinal) && n != $"{Root}.Infrastructure")
        .Select(n => n.Split('.')[2]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    [Fact]
    public void The_api_has_its_features_and_an_infrastructure() =>
        Assert.Superset(new HashSet<string>(["Accounts", "Admin", "Health", "IncidentTimers"]), Features.ToHashSet());

    [Fact]
    public void Infrastructure_depends_on_no_feature()
    {
        foreach (var feature in Features)
        {
            Types().That().ResideInNamespace($"{Root}.Infrastructure")
                .Should().NotDependOnAny(Types().That().ResideInNamespace($"{Root}.{feature}"))
                .Check(Api);
        }
    }

    [Fact]
    public void No_two_features_depend_on_each_other_both_ways()
    {
        var dependsOn = Features.ToDictionary(f => f, f => Features.Where(g => g != f && Depends(f, g)).ToHashSet(), StringComparer.Ordinal);
        var bothWays = dependsOn.SelectMany(a => a.Value.Where(b => dependsOn[b].Contains(a.Key)).Select(b => $"{a.Key} <-> {b}")).ToList();
        Assert.Empty(bothWays);
    }

    [Fact]
    public void The_accounts_persistence_mints_no_tokens_and_answers_no_sessions() =>
        Types().That().HaveFullName($"{Root}.Accounts.UserAccounts")
            .Should().NotDependOnAny(Types().That().Are(typeof(TokenService), typeof(AuthResponse), typeof(RefreshTokenStore)))
            .Check(Api);

    /// <summary>Problem bodies are made in one place (ApiProblems), so each carries the error member the web client reads.</summary>
    [Fact]
    public void Only_api_problems_makes_a_generic_problem_result()
    {
        var makers = ApiAssembly.GetTypes().Where(t => t != typeof(ApiProblems))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.ReturnType == typeof(ProblemHttpResult))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}").ToList();
        Assert.Empty(makers);
    }

    /// <summary>A handler's outcomes are its signature, Results&lt;...&gt; of typed results; a ProblemHttpResult in it would hide which status.</summary>
    [Fact]
    public void Handlers_declare_typed_outcomes_not_a_generic_problem()
    {
        var handlers = ApiAssembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => Outcome(m.ReturnType) is { IsGenericType: true } r && r.GetGenericTypeDefinition().FullName!.StartsWith("Microsoft.AspNetCore.Http.HttpResults.Results`", StringComparison.Ordinal))
            .ToList();
        Assert.True(handlers.Count >= 10, $"only {handlers.Count} handlers with typed outcomes found");
        var untyped = handlers.Where(m => Outcome(m.ReturnType)!.GetGenericArguments().Contains(typeof(ProblemHttpResult)))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}").ToList();
        Assert.Empty(untyped);
    }

    private static System.Type? Outcome(System.Type returnType) =>
        returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>) ? returnType.GetGenericArguments()[0] : returnType;

    private static bool Depends(string feature, string other)
    {
        try
        {
            Types().That().ResideInNamespace($"{Root}.{feature}")
                .Should().NotDependOnAny(Types().That().ResideInNamespace($"{Root}.{other}"))
                .Check(Api);
            return false;
        }
        catch (FailedArchRuleException)
        {
            return true;
        }
    }
}
