using System.Reflection;

namespace KennWilliamson.UnitTests;

/// <summary>This project is the unit layer: every test in it says so, so <c>--filter Category=Unit</c> runs all of them.</summary>
[Trait("Category", "Unit")]
public sealed class LayerTests
{
    [Fact]
    public void Every_test_class_here_is_in_the_unit_layer()
    {
        var classes = typeof(LayerTests).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>().Any())).ToList();
        var unlabelled = classes.Where(c => !c.GetCustomAttributes<TraitAttribute>().Any()
                || !c.GetCustomAttributesData().Any(a => a.AttributeType == typeof(TraitAttribute)
                    && a.ConstructorArguments.Select(x => (string?)x.Value).SequenceEqual(["Category", "Unit"])))
            .Select(c => c.Name).ToList();
        Assert.True(classes.Count >= 10, $"{classes.Count} test classes");
        Assert.Empty(unlabelled);
    }
}
