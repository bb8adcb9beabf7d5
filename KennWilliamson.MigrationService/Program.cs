using KennWilliamson.Data;
using KennWilliamson.MigrationService;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

WorkerCommand command;
try
{
    command = WorkerCommand.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

var builder = Host.CreateApplicationBuilder(args);

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
builder.Services.Configure<AppRoleOptions>(builder.Configuration.GetSection(AppRoleOptions.Section));
builder.Services.AddSingleton<AppRoleProvisioner>();
builder.Services.AddHostedService<MigrationWorker>();

var host = builder.Build();
await host.RunAsync();

// The worker sets the exit code: the AppHost starts the API only after a 0.
return Environment.ExitCode;
