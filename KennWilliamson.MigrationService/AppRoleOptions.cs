namespace KennWilliamson.MigrationService;

/// <summary>The API's login role. The AppHost passes the password from its secret parameter <c>app-db-password</c>.</summary>
public sealed class AppRoleOptions
{
    public const string Section = "AppDatabase";
    public const string DefaultUsername = "kennwilliamson_app";

    public string Username { get; set; } = DefaultUsername;
    public string? Password { get; set; }
}
