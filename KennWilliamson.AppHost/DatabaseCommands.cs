namespace KennWilliamson.AppHost;

/// <summary>
/// The migration worker's operator verbs as dashboard commands on the database, so the dashboard and scripts/*.sh behave
/// the same. The dashboard's confirmation is the verb's (<c>--yes</c>); the AppHost's environment decides whether it may seed.
/// </summary>
public static class DatabaseCommands
{
    public const string Reset = "reset-database";
    public const string ResetWithSeed = "reset-database-seed";
    public const string BackUp = "backup-database";
    public const string GrantAdmin = "grant-admin";
    public const string Rehearse = "rehearse-migrations";
    public const string PurgeAudit = "purge-audit-events";
    public const string AdminEmailArgument = "email";

    public static IResourceBuilder<T> WithDatabaseCommands<T>(this IResourceBuilder<T> database,
        IResourceBuilder<ParameterResource> appDbPassword, IResourceBuilder<ParameterResource> backupKey)
        where T : IResourceWithConnectionString
    {
        var builder = database.ApplicationBuilder;
        var backupDirectory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory,
            builder.Configuration["Backups:Directory"] is { Length: > 0 } dir ? dir : Path.Combine("..", "backups")));
        var secrets = new Dictionary<string, ParameterResource> { ["AppDatabase__Password"] = appDbPassword.Resource, ["Backups__Key"] = backupKey.Resource };
        var environment = builder.Environment.EnvironmentName;
        var settings = new Dictionary<string, string>
        {
            ["Backups__Directory"] = backupDirectory,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "",
            // Both names, so neither can be left over from the AppHost's own environment and disagree.
            ["DOTNET_ENVIRONMENT"] = environment,
            ["ASPNETCORE_ENVIRONMENT"] = environment,
        };
        if (builder.Configuration["Audit:RetentionDays"] is { Length: > 0 } retention)
        {
            settings["Audit__RetentionDays"] = retention;
        }

        Task<ExecuteCommandResult> Run(ExecuteCommandContext context, params string[] args) =>
            MigrationWorkerVerb.RunAsync(context, database.Resource, secrets, settings, args);

        database.WithCommand(Reset, "Reset database", c => Run(c, "reset", "--yes"), new CommandOptions
        {
            Description = "Drops all data, reapplies every migration and verifies the schema (worker verb reset; scripts/reset-db.sh).",
            ConfirmationMessage = "Reset the database? Every row is deleted and every migration is applied again.",
            IconName = "ArrowCounterclockwise",
        });
        database.WithCommand(ResetWithSeed, "Reset database with seed data", c => Run(c, "reset", "--seed", "--yes"), new CommandOptions
        {
            Description = "Reset, then add the development user kenn@example.com and a timer (worker verb reset --seed; the AppHost's environment must be Development).",
            ConfirmationMessage = "Reset the database and add the seed data? Every row is deleted first.",
            IconName = "DatabaseArrowRight",
        });
        database.WithCommand(BackUp, "Back up now", c => Run(c, "backup"), new CommandOptions
        {
            Description = "pg_dump in custom format, encrypted with the backup-key secret, into backups/, verified, keeping 7 days (worker verb backup; scripts/backup-db.sh).",
            IconName = "Save",
        });
        database.WithCommand(Rehearse, "Rehearse migrations", c => Run(c, "rehearse"), new CommandOptions
        {
            Description = "Restores the newest backup into a scratch database, applies the pending migrations there (each timed), reports any error and drops the copy; the database itself is not changed (worker verb rehearse).",
            IconName = "BeakerEdit",
        });
        // The operator's explicit, audited act: the email is asked for, and confirmed, every time.
        database.WithCommand(GrantAdmin, "Grant admin…", c => Run(c, "grant-admin", c.Arguments.GetString(AdminEmailArgument) ?? ""), new CommandOptions
        {
            Description = "Makes a registered user an admin, recorded in the audit trail (worker verb grant-admin EMAIL).",
            ConfirmationMessage = "Grant the admin role? The user can then manage every account's roles.",
            IconName = "PersonKey",
            Arguments = [new InteractionInput { Name = AdminEmailArgument, Label = "Email of a registered user", InputType = InputType.Text, Required = true, MaxLength = 320 }],
        });
        database.WithCommand(PurgeAudit, "Purge old audit events", c => Run(c, "purge"), new CommandOptions
        {
            Description = "Deletes the audit events older than Audit:RetentionDays (400 days unless set) and reports how many went (worker verb purge; scripts/purge-audit.sh).",
            ConfirmationMessage = "Delete the audit events older than the retention? They cannot be brought back but from a backup.",
            IconName = "Delete",
        });
        return database;
    }
}
