namespace KennWilliamson.MigrationService.Operations;

/// <summary><c>--seed</c> publishes a password, so it runs only where the host environment is Development and ASPNETCORE_ENVIRONMENT does not disagree.</summary>
internal static class SeedEnvironment
{
    public const string DotnetVariable = "DOTNET_ENVIRONMENT";
    public const string AspNetCoreVariable = "ASPNETCORE_ENVIRONMENT";

    /// <summary>Why --seed is refused, or null.</summary>
    public static string? Refusal(string hostEnvironment, string? dotnetEnvironment, string? aspNetCoreEnvironment)
    {
        // Case-insensitive, as IHostEnvironment.IsDevelopment compares.
        static bool IsDevelopment(string? name) => string.Equals(name, Environments.Development, StringComparison.OrdinalIgnoreCase);
        var development = IsDevelopment(hostEnvironment);
        var contradicted = !string.IsNullOrEmpty(aspNetCoreEnvironment) && !IsDevelopment(aspNetCoreEnvironment);
        if (development && !contradicted)
        {
            return null;
        }
        var source = dotnetEnvironment switch
        {
            null => $"{DotnetVariable} is not set",
            "" => $"{DotnetVariable} is empty",
            _ => $"{DotnetVariable}={OneLine(dotnetEnvironment)}",
        };
        var other = string.IsNullOrEmpty(aspNetCoreEnvironment) ? ""
            : contradicted ? $"; {AspNetCoreVariable}={OneLine(aspNetCoreEnvironment)} names another"
            : $"; {AspNetCoreVariable}={OneLine(aspNetCoreEnvironment)} does not decide the worker's environment";
        var here = hostEnvironment.Length > 0 ? OneLine(hostEnvironment) : "an empty name";
        return $"--seed adds a user with a published password and runs only in the Development environment; here it is {here} ({source}{other}). "
            + $"For a development database set {DotnetVariable}=Development{(contradicted ? $" (and {AspNetCoreVariable}=Development, or unset it)" : "")}.";
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
