namespace KennWilliamson.MigrationService;

public sealed class AppRoleOptions
{
    public const string Section = "AppDatabase";
    public const string DefaultUsername = "kennwilliamson_app";

    public string Username { get; set; } = DefaultUsername;
    public string? Password { get; set; }
}
