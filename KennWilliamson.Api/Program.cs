using System.Text.Json;
using KennWilliamson.Api;
using KennWilliamson.Api.Admin;
using KennWilliamson.Api.Auth;
using KennWilliamson.Api.Health;
using KennWilliamson.Api.IncidentTimers;
using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Api.Users;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, /health and /alive, resilience, service discovery.
builder.AddServiceDefaults();

// The database, as the least-privilege role the AppHost hands us: one pool (the Database section's settings)
// shared by the hot endpoints' plain Npgsql and the pooled DbContext, health check, tracing, no retries.
builder.AddApiDatabase("kennwilliamson");

// snake_case JSON, as the original backend's web client expects; nesting capped well below the default 64.
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    o.SerializerOptions.MaxDepth = 16;
    // Source-generated metadata first (every contract type); reflection stays behind it for the framework's own types.
    o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
});

// Request bodies: 1 MB at most (413 problem details beyond). Header limits stay at Kestrel's defaults.
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = builder.Configuration.GetValue("Limits:MaxRequestBodyBytes", 1_048_576L));

// RFC 9457 problem details for every error, each with the `error` member the client reads.
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiProblems.AddErrorMember);
builder.Services.AddExceptionHandler<ApiExceptionHandler>();
// Unreadable bodies reach the exception handler in every environment, which names the field.
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

// The client address: the peer's, unless it is a configured reverse proxy (none by default).
builder.Services.AddTrustedForwardedHeaders(builder.Configuration);

// JWT bearer tokens: HS256 only, our issuer and audience, a key of at least 256 bits (checked at start-up).
builder.Services.AddValidatedOptions<JwtOptions>(JwtOptions.Section);
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
    .Configure<IOptions<JwtOptions>>((bearer, jwt) =>
    {
        bearer.MapInboundClaims = false;
        bearer.TokenValidationParameters = TokenService.ValidationParameters(jwt.Value);
    });

// Deny by default: a route is public only when it says AllowAnonymous. The caller (CurrentUser) is the token's
// subject; admin routes ask the database whether they are an admin now, whatever the token's roles say.
builder.Services.AddAuthorizationBuilder()
    .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
builder.Services.AddCurrentUser();
builder.Services.AddAdminPolicy();

// Rate limits on register, login and refresh, per endpoint and client address (an IPv6 client's /48), and
// failed logins per email whatever the address (429 with Retry-After). Every limit's settings are checked
// at start-up: a bad one stops the API with a message naming it.
builder.Services.AddAuthRateLimits();
builder.Services.AddFailedLoginLimits();
// Timer create, update and delete per account (429 with Retry-After), so no history grows unbounded.
builder.Services.AddTimerWriteLimits();

// CORS for the web client (the original's default origin).
builder.Services.AddCors(o => o.AddDefaultPolicy(policy => policy
    .WithOrigins(builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? ["http://localhost:3000"])
    .AllowAnyHeader()
    .AllowAnyMethod()));

// Database size, largest tables and the data directory's free space: gauges, a low-space warning, and
// the details of /api/health/db for admins.
builder.Services.AddSingleton<StorageSampler>();
builder.Services.AddHostedService<StorageMonitor>();
builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(StorageMonitor.MeterName));

// Accounts, tokens, the audit trail and the clock; refresh tokens past any use are purged in the background.
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<TokenService>();
builder.Services.AddScoped<AuditLog>();
builder.Services.AddScoped<RefreshTokenStore>();
builder.Services.AddScoped<UserAccounts>();
builder.Services.AddScoped<Sessions>();
builder.Services.AddScoped<RoleChanges>();
builder.Services.AddRefreshTokenPurge();

// OpenAPI document at /openapi/v1.json, listing the error statuses every operation can answer.
builder.Services.AddOpenApi(o => o.AddOperationTransformer<CommonResponses>());

var app = builder.Build();

// Only behind a configured proxy: with none, no header is believed and the middleware would do nothing.
if (app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value.ForwardedHeaders != ForwardedHeaders.None)
{
    app.UseForwardedHeaders();
}
app.UseExceptionHandler();
app.UseStatusCodePages();
// CORS before routing: one default policy for every route, so it needs no endpoint, and it also serves the
// public read, which runs inside routing (ShortCircuit) and skips everything after it.
app.UseCors();
app.UseRouting();
// A path no endpoint matches is 404 for everyone, as in the original backend (deny-by-default would say 401).
app.UseUnknownRoutesAsNotFound();
// Routing's own refusals (415 for a body that is not JSON, 405 for a method the route lacks) are endpoints without
// metadata: they answer what is wrong with the request whoever sent it, so the deny-by-default policy must not
// turn them into 401 for an anonymous caller of a public route (the fuzz suite found register answering 401).
app.Use((context, next) => context.GetEndpoint() is { Metadata.Count: 0, RequestDelegate: { } refusal } ? refusal(context) : next(context));
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

// Aspire's /health and /alive, in every environment.
app.MapDefaultEndpoints();

// The OpenAPI document always; the interactive reference (Scalar, at /scalar) in Development.
app.MapOpenApi().AllowAnonymous();
if (app.Environment.IsDevelopment())
{
    app.MapScalarApiReference().AllowAnonymous();
}

// Every /api endpoint refuses strings PostgreSQL cannot store (NUL, unpaired surrogates) with 400 naming the field.
var api = app.MapGroup("/api").GuardInputs();
api.MapHealth();          // GET /api/health, /api/health/db
api.MapAuth();            // /api/auth/register, login, refresh, logout, me
api.MapPreviewSlug();     // POST /api/auth/preview-slug
api.MapIncidentTimers();  // /api/incident-timers, GET /api/{user_slug}/incident-timer
api.MapAdmin();           // /api/admin/users, roles, audit-events, slow-queries

// Settings are checked before anything starts: a bad one ends the API with a line naming it, exit code 1.
if (ValidatedSettings.Problems(app.Services) is { Count: > 0 } problems)
{
    foreach (var problem in problems)
    {
        Console.Error.WriteLine($"KennWilliamson.Api: {problem}");
    }
    return 1;
}
app.Run();
return 0;
