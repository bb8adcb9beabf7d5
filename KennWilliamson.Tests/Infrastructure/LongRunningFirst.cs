using Xunit.Abstractions;

[assembly: TestCollectionOrderer("KennWilliamson.Tests.Infrastructure.LongRunningFirst", "KennWilliamson.Tests")]

namespace KennWilliamson.Tests.Infrastructure;

/// <summary>
/// A test class that takes tens of seconds on the 2-core CI machine (its longest pass, from the TRX files), so
/// that <see cref="LongRunningFirst"/> starts it early.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class LongRunningAttribute(int seconds) : Attribute
{
    public int Seconds { get; } = seconds;
}

/// <summary>
/// Longest first: a parallel pass ends when its last class does, so the long classes start at once and the short
/// ones fill the end. The order decides nothing else; classes without the attribute keep xUnit's order.
/// </summary>
public sealed class LongRunningFirst : ITestCollectionOrderer
{
    private const string PerClass = "Test collection for ";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderByDescending(Seconds).ThenBy(c => c.UniqueID);

    private static int Seconds(ITestCollection collection) =>
        collection.DisplayName.StartsWith(PerClass, StringComparison.Ordinal)
        && typeof(LongRunningFirst).Assembly.GetType(collection.DisplayName[PerClass.Length..]) is { } type
        && type.GetCustomAttributes(typeof(LongRunningAttribute), false) is [LongRunningAttribute attribute]
            ? attribute.Seconds
            : 0;
}
