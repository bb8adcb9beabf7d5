namespace KennWilliamson.Tests.Infrastructure;

/// <summary>
/// The test layers, each selectable by its trait (<c>dotnet test --filter Category=Api</c>): Unit (pure code,
/// milliseconds), Api (the API in this process on a real PostgreSQL, classes in parallel), AppHost (the
/// whole application, only where orchestration is what is tested, one at a time).
/// </summary>
public static class Layer
{
    public const string Trait = "Category";
    public const string Unit = "Unit";
    public const string Api = "Api";
    public const string AppHost = "AppHost";
}

/// <summary>AppHost tests without a shared application: one at a time, after the parallel Api layer.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppHostSequence
{
    public const string Name = "AppHost layer";
}
