namespace KennWilliamson.MigrationService.Operations;

/// <summary>
/// <c>--seed</c> adds a user whose password is published (kenn@example.com / TestPassword1), so it runs
/// only where the environment says Development: DOTNET_ENVIRONMENT (the worker's host environment) and
/// ASPNETCORE_ENVIRONMENT, each that is set, must say so; with neither set the environment is Production.
/// A shell that exported DATABASE_URL for a production backup therefore cannot seed by accident.
/// </summary>
internal static class SeedEnvironment
{
    public const string DotnetVariable = "DOTNET_ENVIRONMENT";
    public const string AspNetCoreVariable = "ASPNETCORE_ENVIRONMENT";

    /// <summary>Why --seed is refused in this environment, or null when it may run.</summary>
    public static string? Refusal(string? dotnetEnvironment, string? aspNetCoreEnvironment)
    {
        (string Variable, string Value)[] set =
        [
            .. new[] { (DotnetVariable, dotnetEnvironment), (AspNetCoreVariable, aspNetCoreEnvironment) }
                .Where(v => !string.IsNullOrEmpty(v.Item2)).Select(v => (v.Item1, v.Item2!)),
        ];
        // Case-insensitive, as IHostEnvironment.IsDevelopment compares.
        if (set.Length > 0 && set.All(v => string.Equals(v.Value, Environments.Development, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }
        var environment = set.Length == 0
            ? $"Production ({DotnetVariable} and {AspNetCoreVariable} are not set)"
            : string.Join(", ", set.Select(v => $"{v.Variable}={v.Value.ReplaceLineEndings(" ")}"));
        return $"--seed adds a user with a published password and runs only in the Development environment; here it is {environment}. " +
            $"For a development database set {DotnetVariable}=Development{(set.Any(v => v.Variable == AspNetCoreVariable) ? $" (and {AspNetCoreVariable}=Development, or unset it)" : "")}.";
    }
}
