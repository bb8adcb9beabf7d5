using KennWilliamson.Api;
using KennWilliamson.Api.Admin;
using KennWilliamson.Api.Accounts;
using KennWilliamson.Api.Health;
using KennWilliamson.Api.IncidentTimers;
using KennWilliamson.Api.Infrastructure;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();             // telemetry, /health and /alive, resilience, service discovery
builder.AddApiDatabase("kennwilliamson"); // the least-privilege role's one pool, for Npgsql and EF alike
builder.AddHttpPipeline();                // problem details, body limit, client address, CORS, OpenAPI
builder.Services.AddApiJson();            // snake_case, source-generated
builder.Services.AddAccessControl();      // the caller, admin rights from the database, the audit trail
builder.AddSharedLimits();                // the limits every replica spends together, in Redis

builder.Services.AddAccounts();
builder.Services.AddIncidentTimers();
builder.Services.AddAdmin();
builder.Services.AddHealth();

var app = builder.Build();
app.UseHttpPipeline();
app.MapDefaultEndpoints();
app.MapOpenApi();
if (app.Environment.IsDevelopment())
{
    app.MapScalarApiReference(); // the interactive reference, at /scalar
}

// Deny by default: every /api route but the public read needs a caller unless it says AllowAnonymous.
var api = app.MapGroup("/api").ValidateRequests();
api.MapPublicTimer();     // GET /api/{user_slug}/incident-timer
var callers = api.MapGroup("").RequireAuthorization();
callers.MapHealth();          // GET /api/health, /api/health/db
callers.MapAccounts();        // /api/auth/register, login, refresh, logout, me, preview-slug
callers.MapIncidentTimers();  // /api/incident-timers
callers.MapAdmin();           // /api/admin/users, roles, audit-events, slow-queries

return app.RunWithValidSettings();
