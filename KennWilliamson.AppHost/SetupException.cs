namespace KennWilliamson.AppHost;

/// <summary>A setup problem the user can fix (a setting, a missing program); the AppHost prints its message alone and exits non-zero.</summary>
public sealed class SetupException(string message) : Exception(message);
