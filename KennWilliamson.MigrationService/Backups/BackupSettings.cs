using System.Globalization;

namespace KennWilliamson.MigrationService.Backups;

/// <summary>
/// The <c>Backups:*</c> settings: Directory, Key, RetentionDays (7) and Environment, the &lt;env&gt; of the
/// file names, else the host's environment (the one the seed rule reads), lower-cased.
/// </summary>
internal sealed record BackupSettings(string? Directory, string? Key, string? Retention, string EnvironmentName)
{
    /// <summary>From the command line only, never configuration: no setting left behind accepts plain dumps for good.</summary>
    public bool AllowUnencrypted { get; init; }

    /// <summary>The retention in days (7 when unset), checked only by the verb that applies it, so a stray value never blocks a restore.</summary>
    public int RetentionDays() => Retention switch
    {
        null => 7,
        var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days <= 36_500 => days,
        var text => throw new InvalidOperationException($"Backups:RetentionDays is '{text}'; use a whole number of days."),
    };

    public const string HostEnvironmentKey = "Backups:HostEnvironment";

    public static void UseHostEnvironment(IConfiguration configuration, IHostEnvironment environment) =>
        configuration[HostEnvironmentKey] = environment.EnvironmentName;

    public static BackupSettings From(IConfiguration configuration, bool allowUnencrypted = false)
    {
        var environment = NonEmpty(configuration["Backups:Environment"]) ?? configuration[HostEnvironmentKey] ?? Environments.Production;
        var name = new string([.. environment.ToLowerInvariant().Select(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' ? c : '-')]);
        return new(NonEmpty(configuration["Backups:Directory"]), NonEmpty(configuration["Backups:Key"]), NonEmpty(configuration["Backups:RetentionDays"]),
            name.Length > 0 ? name : Environments.Production.ToLowerInvariant())
        {
            AllowUnencrypted = allowUnencrypted,
        };
    }

    public string RequireDirectory() => Directory
        ?? throw new InvalidOperationException("No backup folder: set Backups:Directory (Backups__Directory); scripts/backup-db.sh uses backups/ at the repository root.");

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
