using System.Text.Json;
using KennWilliamson.Api.Auth;
using KennWilliamson.Api.Health;
using KennWilliamson.Api.IncidentTimers;
using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Api.Users;
using KennWilliamson.Data;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, /health and /alive, resilience, service discovery.
builder.AddServiceDefaults();

// The database, as the least-privilege role the AppHost hands us (pooled DbContext, health check, tracing).
builder.AddNpgsqlDbContext<AppDbContext>("kennwilliamson", configureDbContextOptions: AppDbContext.Configure);

// snake_case JSON, as the original backend's web client expects.
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);

// RFC 9457 problem details for every error, each with the `error` member the client reads.
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiProblems.AddErrorMember);
builder.Services.AddExceptionHandler<ApiExceptionHandler>();
// Unreadable bodies reach the exception handler in every environment, which names the field.
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

// JWT bearer tokens: HS256 only, our issuer and audience, a key of at least 256 bits (checked at start-up).
builder.Services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
    .Configure<IOptions<JwtOptions>>((bearer, jwt) =>
    {
        bearer.MapInboundClaims = false;
        bearer.TokenValidationParameters = TokenService.ValidationParameters(jwt.Value);
    });
builder.Services.AddAuthorization();

// Accounts, tokens and the clock.
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<TokenService>();
builder.Services.AddScoped<RefreshTokenStore>();
builder.Services.AddScoped<UserAccounts>();

// OpenAPI document at /openapi/v1.json.
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

// Aspire's /health and /alive, in every environment.
app.MapDefaultEndpoints();

// The OpenAPI document always; the interactive reference (Scalar, at /scalar) in Development.
app.MapOpenApi();
if (app.Environment.IsDevelopment())
{
    app.MapScalarApiReference();
}

var api = app.MapGroup("/api");
api.MapHealth();          // GET /api/health, /api/health/db
api.MapAuth();            // /api/auth/register, login, refresh, logout, me
api.MapPreviewSlug();     // POST /api/auth/preview-slug
api.MapIncidentTimers();  // /api/incident-timers, GET /api/{user_slug}/incident-timer

app.Run();
