namespace KennWilliamson.MigrationService;

public enum MigrationVerb
{
    Run,
    Info,
    Revert,
    GrantAdmin,
    Rehearse,
    Reset,
    Backup,
    VerifyBackup,
    Restore,
    Purge,
}

/// <summary>
/// The worker's command line, after <c>sqlx migrate</c>: <c>run</c> (the default), <c>info</c>,
/// <c>revert [--to NAME|0]</c>, and the operator's verbs that the dashboard commands and scripts/*.sh
/// run: <c>reset [--seed] [--yes]</c>, <c>backup</c>, <c>verify-backup FILE</c>, <c>restore FILE [--yes]</c>,
/// <c>rehearse [FILE]</c>, <c>grant-admin EMAIL</c>, <c>purge</c>. <c>--seed</c> (run, reset) adds the
/// development data; <c>--yes</c> answers the question reset and restore ask. Arguments of the form <c>--Key=Value</c> or <c>--Key Value</c> with a colon in the key are
/// configuration overrides and are left to the host.
/// </summary>
public sealed record WorkerCommand(MigrationVerb Verb, string? Target, bool Seed, bool Yes = false)
{
    /// <summary>
    /// The configuration overrides only (<c>--Key:Sub=value</c>, <c>--Key:Sub value</c>): all the host's
    /// command-line configuration sees, so a verb's operand (a path starting with <c>/</c>, an email) never
    /// becomes a setting.
    /// </summary>
    public IReadOnlyList<string> Overrides { get; private init; } = [];

    /// <summary><c>--allow-unencrypted</c>: a plain pg_dump archive is read (and reported UNENCRYPTED) instead of refused.</summary>
    public bool AllowUnencrypted { get; private init; }

    private const string Usage =
        "Usage: [run|info|revert [--to NAME|0]|reset [--yes]|backup|verify-backup FILE|restore FILE [--yes]|rehearse [FILE]|grant-admin EMAIL|purge] [--seed] [--allow-unencrypted]";

    /// <summary>
    /// The verbs a person (or a dashboard command) runs: they print a report on standard output, log to
    /// standard error, and try the database once instead of waiting for it to start.
    /// </summary>
    public bool IsOperatorVerb => Verb is not (MigrationVerb.Run or MigrationVerb.Info or MigrationVerb.Revert);

    /// <summary>Whether the verb needs the database at all (verify-backup only reads a file).</summary>
    public bool NeedsDatabase => Verb != MigrationVerb.VerifyBackup;

    public static WorkerCommand Parse(IReadOnlyList<string> args)
    {
        MigrationVerb? verb = null;
        string? target = null;
        string? revertTo = null; // apart from the verbs' own argument: "--to" never changes whom they name
        bool seed = false, yes = false, allowUnencrypted = false;
        var overrides = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "run" or "info" or "revert" or "reset" or "backup" or "purge" when verb is null:
                    verb = Enum.Parse<MigrationVerb>(arg, ignoreCase: true);
                    break;
                case "grant-admin" when verb is null:
                    verb = MigrationVerb.GrantAdmin;
                    break;
                case "rehearse" when verb is null:
                    verb = MigrationVerb.Rehearse;
                    break;
                case "verify-backup" or "restore" when verb is null:
                    verb = arg == "restore" ? MigrationVerb.Restore : MigrationVerb.VerifyBackup;
                    break;
                // The one operand of the verbs that take one (before or after their flags).
                case var a when !a.StartsWith("--", StringComparison.Ordinal) && target is null
                    && verb is MigrationVerb.GrantAdmin or MigrationVerb.Rehearse or MigrationVerb.VerifyBackup or MigrationVerb.Restore:
                    target = a;
                    break;
                case "--seed":
                    seed = true;
                    break;
                case "--yes":
                    yes = true;
                    break;
                case "--allow-unencrypted":
                    allowUnencrypted = true;
                    break;
                case "--to":
                    revertTo = i + 1 < args.Count ? args[++i] : throw new ArgumentException("--to needs a migration name (or 0 for none).");
                    break;
                case var a when a.StartsWith("--", StringComparison.Ordinal) && a.Contains(':', StringComparison.Ordinal):
                    overrides.Add(a);
                    if (!a.Contains('=', StringComparison.Ordinal) && i + 1 < args.Count)
                    {
                        overrides.Add(args[++i]); // "--Key value": the value belongs to the configuration.
                    }
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{arg}'. {Usage}");
            }
        }

        var command = new WorkerCommand(verb ?? MigrationVerb.Run, target ?? revertTo, seed, yes) { Overrides = overrides, AllowUnencrypted = allowUnencrypted };
        if (target is null && command.Verb is MigrationVerb.GrantAdmin or MigrationVerb.VerifyBackup or MigrationVerb.Restore)
        {
            throw new ArgumentException(command.Verb == MigrationVerb.GrantAdmin
                ? "grant-admin needs the email of a registered user."
                : $"{(command.Verb == MigrationVerb.Restore ? "restore" : "verify-backup")} needs a backup file.");
        }
        if (revertTo is not null && command.Verb != MigrationVerb.Revert)
        {
            throw new ArgumentException("--to goes with revert.");
        }
        if (seed && command.Verb is not (MigrationVerb.Run or MigrationVerb.Reset))
        {
            throw new ArgumentException("--seed goes with run or reset: the other verbs do not change the data that way.");
        }
        if (allowUnencrypted && command.Verb is not (MigrationVerb.VerifyBackup or MigrationVerb.Restore or MigrationVerb.Rehearse))
        {
            throw new ArgumentException("--allow-unencrypted goes with verify-backup, restore or rehearse: the verbs that read a backup.");
        }
        if (yes && command.Verb is not (MigrationVerb.Restore or MigrationVerb.Reset))
        {
            throw new ArgumentException("--yes goes with restore or reset.");
        }
        return command;
    }
}
