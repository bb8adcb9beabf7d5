using System.Globalization;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// Where backups go and how long they stay, from configuration (<c>Backups:*</c>, as the AppHost passes
/// them) or the scripts' environment variables: <c>BACKUP_DIR</c>, <c>BACKUP_KEY</c>,
/// <c>BACKUP_RETENTION_DAYS</c> (7; 0 keeps only the new one) and <c>KENNWILLIAMSON_ENV</c>
/// (<c>Backups:Environment</c>), the &lt;env&gt; of the file names, else the worker's host environment
/// (DOTNET_ENVIRONMENT, Production when unset: the one the seed rule reads), lower-cased.
/// </summary>
internal sealed record BackupSettings(string? Directory, string? Key, string? Retention, string EnvironmentName)
{
    /// <summary>
    /// Whether a plain pg_dump archive may be read (<c>--allow-unencrypted</c>): only ever from the verb's
    /// command line, never from configuration, so no setting left behind accepts one for good.
    /// </summary>
    public bool AllowUnencrypted { get; init; }

    /// <summary>The retention in days (7 when unset), checked only by the verb that applies it, so a stray value never blocks a restore.</summary>
    public int RetentionDays() => Retention switch
    {
        null => 7,
        var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days <= 36_500 => days,
        var text => throw new InvalidOperationException($"BACKUP_RETENTION_DAYS (Backups:RetentionDays) is '{text}'; use a whole number of days."),
    };

    /// <summary>Where the worker puts its host's environment name (<see cref="UseHostEnvironment"/>) for <see cref="From"/>.</summary>
    public const string HostEnvironmentKey = "Backups:HostEnvironment";

    /// <summary>The host's environment (IHostEnvironment) as the last fallback of the backups' &lt;env&gt;: one environment for the seed rule and the names.</summary>
    public static void UseHostEnvironment(IConfiguration configuration, IHostEnvironment environment) =>
        configuration[HostEnvironmentKey] = environment.EnvironmentName;

    public static BackupSettings From(IConfiguration configuration, bool allowUnencrypted = false)
    {
        var environment = NonEmpty(configuration["Backups:Environment"]) ?? NonEmpty(configuration["KENNWILLIAMSON_ENV"])
            ?? configuration[HostEnvironmentKey] ?? Environments.Production;
        var name = new string([.. environment.ToLowerInvariant().Select(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' ? c : '-')]);
        return new(NonEmpty(configuration["Backups:Directory"]) ?? NonEmpty(configuration["BACKUP_DIR"]),
            NonEmpty(configuration["Backups:Key"]) ?? NonEmpty(configuration["BACKUP_KEY"]),
            NonEmpty(configuration["Backups:RetentionDays"]) ?? NonEmpty(configuration["BACKUP_RETENTION_DAYS"]),
            name.Length > 0 ? name : Environments.Production.ToLowerInvariant())
        {
            AllowUnencrypted = allowUnencrypted,
        };
    }

    /// <summary>The folder, which must be set: the scripts and the AppHost default it to backups/ at the repository root.</summary>
    public string RequireDirectory() => Directory
        ?? throw new InvalidOperationException("No backup folder: set BACKUP_DIR (Backups:Directory); scripts/backup-db.sh uses backups/ at the repository root.");

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
