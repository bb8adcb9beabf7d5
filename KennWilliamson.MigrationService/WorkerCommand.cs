namespace KennWilliamson.MigrationService;

public enum MigrationVerb
{
    Run,
    Info,
    Revert,
    GrantAdmin,
    Rehearse,
}

/// <summary>
/// The worker's command line, after <c>sqlx migrate</c>: <c>run</c> (the default), <c>info</c>,
/// <c>revert [--to NAME]</c>, <c>grant-admin EMAIL</c>, <c>rehearse [FILE]</c> (the pending
/// migrations on a restored copy of a backup; see MigrationRehearsal), plus <c>--seed</c> for the development data. <c>--to 0</c> reverts every
/// migration. Arguments of the form <c>--Key=Value</c> or <c>--Key Value</c> with a colon in the key
/// are configuration overrides and are left to the host.
/// </summary>
public sealed record WorkerCommand(MigrationVerb Verb, string? Target, bool Seed)
{
    public static WorkerCommand Parse(IReadOnlyList<string> args)
    {
        var verb = MigrationVerb.Run;
        string? target = null;
        string? revertTo = null; // apart from grant-admin's email: "--to" never changes whom it names
        var seed = false;
        var verbSeen = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "run" or "info" or "revert" when !verbSeen:
                    verb = Enum.Parse<MigrationVerb>(arg, ignoreCase: true);
                    verbSeen = true;
                    break;
                case "grant-admin" when !verbSeen:
                    if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        throw new ArgumentException("grant-admin needs the email of a registered user.");
                    }
                    verb = MigrationVerb.GrantAdmin;
                    target = args[++i];
                    verbSeen = true;
                    break;
                case "rehearse" when !verbSeen:
                    verb = MigrationVerb.Rehearse;
                    verbSeen = true;
                    if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        target = args[++i]; // the backup file; else the newest in Backups:Directory
                    }
                    break;
                case "--seed":
                    seed = true;
                    break;
                case "--to":
                    if (i + 1 >= args.Count)
                    {
                        throw new ArgumentException("--to needs a migration name (or 0 for none).");
                    }
                    revertTo = args[++i];
                    break;
                case var a when a.StartsWith("--", StringComparison.Ordinal) && a.Contains(':', StringComparison.Ordinal):
                    if (!a.Contains('=', StringComparison.Ordinal))
                    {
                        i++; // "--Key value": the value belongs to the configuration.
                    }
                    break;
                default:
                    throw new ArgumentException(
                        $"Unknown argument '{arg}'. Usage: [run|info|revert [--to NAME|0]|grant-admin EMAIL|rehearse [FILE]] [--seed]");
            }
        }

        if (revertTo is not null && verb != MigrationVerb.Revert)
        {
            throw new ArgumentException("--to goes with revert.");
        }
        if (seed && verb == MigrationVerb.Rehearse)
        {
            throw new ArgumentException("--seed does not go with rehearse: a rehearsal only applies migrations, to a copy.");
        }
        target ??= revertTo;
        return new WorkerCommand(verb, target, seed);
    }
}
