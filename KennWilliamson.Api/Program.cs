using System.Text.Json;
using KennWilliamson.Api.Health;
using KennWilliamson.Data;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, /health and /alive, resilience, service discovery.
builder.AddServiceDefaults();

// The database, as the least-privilege role the AppHost hands us (pooled DbContext, health check, tracing).
builder.AddNpgsqlDbContext<AppDbContext>("kennwilliamson", configureDbContextOptions: AppDbContext.Configure);

// snake_case JSON, as the original backend's client expects.
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);

// RFC 9457 problem details for every error.
builder.Services.AddProblemDetails();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

// Aspire's /health and /alive, in every environment.
app.MapDefaultEndpoints();

var api = app.MapGroup("/api");
// GET /api/health and /api/health/db.
api.MapHealth();

app.Run();
