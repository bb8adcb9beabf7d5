using System.Globalization;
using Npgsql;

namespace KennWilliamson.AppHost.Postgres;

/// <summary>
/// The database operations (reset, backup, migration rehearsal, admin grant) as dashboard commands on the database resource, in either mode:
/// "Reset database", "Reset database with seed data", "Back up now", "Rehearse migrations" and "Grant admin…". Each runs the
/// matching script (<c>scripts/reset-db.sh</c>, <c>backup-db.sh</c>, <c>rehearse-migrations.sh</c>, <c>grant-admin.sh</c>) against the resource's own connection, so
/// the dashboard and the command line behave the same; the script's output goes to the resource's log
/// and into the command's result, and its one-line reason becomes the failure message.
/// <c>Backups:Directory</c> (else the scripts' <c>backups/</c>) is where "Back up now" writes and
/// "Rehearse migrations" takes the newest backup from.
/// </summary>
public static class DatabaseCommands
{
    public const string Reset = "reset-database";
    public const string ResetWithSeed = "reset-database-seed";
    public const string BackUp = "backup-database";
    public const string GrantAdmin = "grant-admin";
    public const string Rehearse = "rehearse-migrations";
    public const string AdminEmailArgument = "email";

    public static IResourceBuilder<T> WithDatabaseCommands<T>(this IResourceBuilder<T> database,
        IResourceBuilder<ParameterResource> appDbPassword, IResourceBuilder<ParameterResource> backupKey)
        where T : IResourceWithConnectionString
    {
        var builder = database.ApplicationBuilder;
        var scripts = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "scripts"));
        var backupDirectory = builder.Configuration["Backups:Directory"] is { Length: > 0 } dir
            ? Path.GetFullPath(Path.Combine(builder.AppHostDirectory, dir))
            : null;

        Task<ExecuteCommandResult> Run(ExecuteCommandContext context, string script, params string[] args) =>
            ScriptCommand.RunAsync(context, database.Resource, new() { ["AppDatabase__Password"] = appDbPassword.Resource, ["BACKUP_KEY"] = backupKey.Resource },
                Path.Combine(scripts, script), backupDirectory, args);

        database.WithCommand(Reset, "Reset database", c => Run(c, "reset-db.sh"), new CommandOptions
        {
            Description = "Drops all data, reapplies every migration and verifies the schema (scripts/reset-db.sh).",
            ConfirmationMessage = "Reset the database? Every row is deleted and every migration is applied again.",
            IconName = "ArrowCounterclockwise",
        });
        database.WithCommand(ResetWithSeed, "Reset database with seed data", c => Run(c, "reset-db.sh", "--seed"), new CommandOptions
        {
            Description = "Reset, then add the development user kenn@example.com and a timer (scripts/reset-db.sh --seed).",
            ConfirmationMessage = "Reset the database and add the seed data? Every row is deleted first.",
            IconName = "DatabaseArrowRight",
        });
        database.WithCommand(BackUp, "Back up now", c => Run(c, "backup-db.sh"), new CommandOptions
        {
            Description = "pg_dump in custom format, encrypted with the backup-key secret, into backups/, verified, keeping 7 days (scripts/backup-db.sh).",
            IconName = "Save",
        });
        database.WithCommand(Rehearse, "Rehearse migrations", c => Run(c, "rehearse-migrations.sh"), new CommandOptions
        {
            Description = "Restores the newest backup into a scratch database, applies the pending migrations there (each timed), reports any error and drops the copy; the database itself is not changed (scripts/rehearse-migrations.sh).",
            IconName = "BeakerEdit",
        });
        // The operator's explicit, audited act: the email is asked for, and confirmed, every time.
        database.WithCommand(GrantAdmin, "Grant admin…", c => Run(c, "grant-admin.sh", c.Arguments.GetString(AdminEmailArgument) ?? ""), new CommandOptions
        {
            Description = "Makes a registered user an admin, recorded in the audit trail (scripts/grant-admin.sh EMAIL).",
            ConfirmationMessage = "Grant the admin role? The user can then manage every account's roles.",
            IconName = "PersonKey",
            Arguments = [new InteractionInput { Name = AdminEmailArgument, Label = "Email of a registered user", InputType = InputType.Text, Required = true, MaxLength = 320 }],
        });
        return database;
    }

    /// <summary>The Npgsql connection string of the resource as the <c>postgresql://</c> URI the scripts read.</summary>
    public static string ToDatabaseUrl(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var host = b.Host is { } h && h.Contains(':', StringComparison.Ordinal) ? $"[{h}]" : b.Host;
        return string.Create(CultureInfo.InvariantCulture,
            $"postgresql://{Uri.EscapeDataString(b.Username ?? "postgres")}:{Uri.EscapeDataString(b.Password ?? "")}@{host}:{b.Port}/{Uri.EscapeDataString(b.Database ?? "postgres")}");
    }
}
