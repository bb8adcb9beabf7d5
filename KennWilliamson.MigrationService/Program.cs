using KennWilliamson.Data;
using KennWilliamson.MigrationService;
using KennWilliamson.MigrationService.Backups;
using KennWilliamson.MigrationService.Operations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging.Console;

WorkerCommand command;
try
{
    if (WorkerCommand.Parse(args, Console.Out) is not { } parsed)
    {
        return 0; // --help
    }
    command = parsed;
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}

// A standard input that is no input (started with it closed) answers no question rather than waiting forever.
if (StandardInput.IsOwnPipe())
{
    Console.SetIn(TextReader.Null);
}

var builder = Host.CreateApplicationBuilder([.. command.Overrides]);

// One environment, the host's, decides the seed rule and names the backups (unless Backups:Environment does).
// Refused before anything connects: a seed outside Development would publish a known password.
if (command.Seed && SeedEnvironment.Refusal(builder.Environment.EnvironmentName, Environment.GetEnvironmentVariable(SeedEnvironment.DotnetVariable),
        Environment.GetEnvironmentVariable(SeedEnvironment.AspNetCoreVariable)) is { } refusal)
{
    Console.Error.WriteLine($"error: {refusal}");
    return 2;
}
BackupSettings.UseHostEnvironment(builder.Configuration, builder.Environment);

// One precedence for every verb: ConnectionStrings:kennwilliamson, else DATABASE_URL (docs/operations.md).
if (command.NeedsDatabase && string.IsNullOrEmpty(builder.Configuration.GetConnectionString("kennwilliamson"))
    && builder.Configuration["DATABASE_URL"] is { Length: > 0 } url)
{
    try
    {
        builder.Configuration["ConnectionStrings:kennwilliamson"] = DatabaseUrl.ToConnectionString(url);
    }
    catch (ArgumentException ex)
    {
        Console.Error.WriteLine($"error: {ex.Message}");
        return 2;
    }
}

// An operator's verb prints its report on standard output; its log goes to standard error, so the
// report reads on its own (the scripts show it as is) and the log stays for when something fails.
if (command.IsOperatorVerb)
{
    builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
}

// Telemetry, health checks and resilience shared by every service; the run is one span of this source.
builder.AddServiceDefaults();
builder.Services.AddOpenTelemetry().WithTracing(t => t.AddSource(MigrationWorker.ActivitySourceName));

// The owner's connection: the worker changes the schema. Retries cover a database that is late.
builder.AddNpgsqlDbContext<AppDbContext>("kennwilliamson", configureDbContextOptions: options =>
{
    AppDbContext.Configure(options);
    options.UseNpgsql(npgsql => npgsql.MigrationsAssembly(AppDbContext.MigrationsAssembly));
    options.ReplaceService<IHistoryRepository, TimestampedHistoryRepository>();
});

builder.Services.AddSingleton(command);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.Configure<AppRoleOptions>(builder.Configuration.GetSection(AppRoleOptions.Section));
builder.Services.AddSingleton<AppRoleProvisioner>();
builder.Services.AddSingleton<SchemaMigrations>();
builder.Services.AddHostedService<MigrationWorker>();

var host = builder.Build();
await host.RunAsync();

// The worker sets the exit code: the AppHost starts the API only after a 0.
return Environment.ExitCode;
