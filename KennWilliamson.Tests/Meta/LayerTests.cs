using System.Reflection;
using KennWilliamson.Tests.Infrastructure;

namespace KennWilliamson.Tests.Meta;

/// <summary>
/// Every test says its layer, and runs the way its layer runs: Api-layer classes never start the AppHost
/// (they take <see cref="ApiFixture"/>), AppHost-layer classes sit in a collection that runs alone.
/// </summary>
[Trait(Layer.Trait, Layer.Unit)]
public sealed class LayerTests
{
    private static readonly string[] Layers = [Layer.Unit, Layer.Api, Layer.AppHost];
    private static readonly Type[] AppHostFixtures = [typeof(AppFixture), typeof(IsolatedApp)];

    private static IEnumerable<Type> TestClasses() => typeof(LayerTests).Assembly.GetTypes()
        .Where(t => t.IsClass && !t.IsAbstract && t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>().Any()));

    private static HashSet<string> Categories(MemberInfo member) => member.GetCustomAttributesData()
        .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == Layer.Trait)
        .Select(a => (string)a.ConstructorArguments[1].Value!).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Every_test_is_in_exactly_one_layer()
    {
        var wrong = TestClasses()
            .SelectMany(c => c.GetMethods().Where(m => m.GetCustomAttributes<FactAttribute>().Any())
                .Select(m => (Test: $"{c.Name}.{m.Name}", Layers: Categories(c).Union(Categories(m)).Intersect(Layers).ToList())))
            .Where(t => t.Layers.Count != 1)
            .Select(t => $"{t.Test}: {string.Join(", ", t.Layers)}").ToList();
        Assert.True(TestClasses().Count() > 40);
        Assert.Empty(wrong);
    }

    [Fact]
    public void Api_and_unit_tests_never_start_the_apphost()
    {
        var wrong = TestClasses().Where(c => !Categories(c).Contains(Layer.AppHost))
            .Where(c => c.GetConstructors().SelectMany(k => k.GetParameters()).Any(p => AppHostFixtures.Contains(p.ParameterType))
                || c.GetCustomAttribute<CollectionAttribute>() is not null)
            .Select(c => c.Name).ToList();
        Assert.Empty(wrong);
    }

    [Fact]
    public void AppHost_tests_run_one_collection_at_a_time()
    {
        var sequential = typeof(LayerTests).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributesData().Where(a => a.AttributeType == typeof(CollectionDefinitionAttribute)))
            .Where(d => d.NamedArguments.Any(n => n.MemberName == nameof(CollectionDefinitionAttribute.DisableParallelization) && (bool)n.TypedValue.Value!))
            .Select(d => (string)d.ConstructorArguments[0].Value!)
            .ToHashSet(StringComparer.Ordinal);
        var wrong = TestClasses().Where(c => Categories(c).Contains(Layer.AppHost))
            .Where(c => c.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(CollectionAttribute)) is not { } collection
                || !sequential.Contains((string)collection.ConstructorArguments[0].Value!))
            .Select(c => c.Name).ToList();
        Assert.Empty(wrong);
    }
}
