namespace KennWilliamson.AppHost.Postgres;

/// <summary>A setup problem the user can fix; the AppHost prints its message alone and exits non-zero.</summary>
public sealed class PostgresSetupException(string message) : Exception(message);
