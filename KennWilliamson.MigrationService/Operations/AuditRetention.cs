using System.Globalization;

namespace KennWilliamson.MigrationService.Operations;

/// <summary>
/// How long the audit trail keeps a row: <c>Audit:RetentionDays</c>, 1 to 36,500 days; 400 when unset, so a
/// year's trail is always there to compare with.
/// </summary>
internal static class AuditRetention
{
    public const int DefaultDays = 400;
    public const int MaxDays = 36_500;

    public static int Days(IConfiguration configuration) =>
        Parse(configuration["Audit:RetentionDays"]);

    /// <summary>The days a setting names; unset is the default, anything but a whole number in range is an error saying what is allowed.</summary>
    public static int Parse(string? setting) => setting switch
    {
        null or "" => DefaultDays,
        _ when int.TryParse(setting, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= MaxDays => days,
        _ => throw new InvalidOperationException(
            $"Audit:RetentionDays (AUDIT_RETENTION_DAYS) is '{setting.ReplaceLineEndings(" ")}'; use a whole number of days from 1 to {MaxDays.ToString("N0", CultureInfo.InvariantCulture)}."),
    };
}
