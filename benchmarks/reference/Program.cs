using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

// The reference the API is measured against: the same SQL, the same JSON and the same connection
// settings, with nothing else — no EF Core, no middleware, no telemetry. REFERENCE_AUTH=jwt validates the
// bearer token as the API does (HS256, issuer, audience, lifetime); none reads `sub` without checking it.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
    o.SerializerOptions.TypeInfoResolverChain.Insert(0, ReferenceJson.Default);
});
var connectionString = builder.Configuration.GetConnectionString("kennwilliamson")
    ?? throw new InvalidOperationException("Set ConnectionStrings__kennwilliamson (the API's connection string).");
builder.Services.AddSingleton(NpgsqlDataSource.Create(connectionString));
var jwt = string.Equals(builder.Configuration["REFERENCE_AUTH"], "jwt", StringComparison.Ordinal);
if (jwt)
{
    builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
    {
        o.MapInboundClaims = false;
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidIssuer = "kennwilliamson-api",
            ValidAudience = "kennwilliamson-web",
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(builder.Configuration["Jwt:SigningKey"]!)),
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = JwtRegisteredClaimNames.Sub,
        };
    });
    builder.Services.AddAuthorization();
}
var app = builder.Build();

app.MapGet("/api/{slug}/incident-timer", async (string slug, NpgsqlDataSource db) =>
{
    await using var cmd = db.CreateCommand(PublicReadSql);
    cmd.Parameters.Add(new NpgsqlParameter<string>("slug", slug));
    await using var r = await cmd.ExecuteReaderAsync();
    return await r.ReadAsync()
        ? Results.Ok(new PublicTimer(r.GetGuid(0), r.GetFieldValue<DateTimeOffset>(1), r.IsDBNull(2) ? null : r.GetString(2),
            r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4), r.GetString(5)))
        : Results.NotFound();
});

// Login's reference is what the password hash alone allows: the API's PBKDF2 verification of the password
// every seeded user shares (REFERENCE_PASSWORD), no database, no token.
var loginHash = KennWilliamson.Data.Security.PasswordHasher.Hash(builder.Configuration["REFERENCE_PASSWORD"] ?? "BenchPassword1");
app.MapPost("/api/auth/login", (LoginRequest request) =>
    KennWilliamson.Data.Security.PasswordHasher.Verify(request.Password ?? "", loginHash) ? Results.Ok() : Results.Unauthorized());

var timers = app.MapGroup("/api/incident-timers");
if (jwt)
{
    timers.RequireAuthorization();
}
timers.MapGet("/", async (HttpContext http, NpgsqlDataSource db) =>
{
    await using var cmd = db.CreateCommand(ListSql);
    cmd.Parameters.Add(new NpgsqlParameter<Guid>("user", Caller(http)));
    var list = new List<Timer>();
    await using var r = await cmd.ExecuteReaderAsync();
    while (await r.ReadAsync())
    {
        list.Add(new Timer(r.GetGuid(0), r.GetFieldValue<DateTimeOffset>(1), r.IsDBNull(2) ? null : r.GetString(2),
            r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4)));
    }
    return Results.Ok(list);
});
timers.MapPost("/", async (TimerRequest request, HttpContext http, NpgsqlDataSource db) =>
{
    var ticks = DateTimeOffset.UtcNow.UtcTicks;
    var reset = request.ResetTimestamp ?? new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    await using var cmd = db.CreateCommand(CreateSql);
    cmd.Parameters.Add(new NpgsqlParameter<string?>("notes", request.Notes));
    cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("reset", reset));
    cmd.Parameters.Add(new NpgsqlParameter<Guid>("user", Caller(http)));
    await using var r = await cmd.ExecuteReaderAsync();
    await r.ReadAsync();
    var timer = new Timer(r.GetGuid(0), reset, request.Notes, r.GetFieldValue<DateTimeOffset>(1), r.GetFieldValue<DateTimeOffset>(2));
    return Results.Created($"/api/incident-timers/{timer.Id}", timer);
});
app.Run();

// The caller: the validated token's sub, or (REFERENCE_AUTH=none) the sub read from the token unchecked.
Guid Caller(HttpContext http) => jwt
    ? Guid.Parse(http.User.FindFirstValue(JwtRegisteredClaimNames.Sub)!)
    : Guid.Parse(new JwtSecurityTokenHandler().ReadJwtToken(http.Request.Headers.Authorization.ToString()["Bearer ".Length..]).Subject);

internal partial class Program
{
    // The statements the API sends (pg_stat_statements shows them), with named parameters.
    private const string PublicReadSql = """
        SELECT t.id, t.reset_timestamp, t.notes, t.created_at, t.updated_at, u.display_name AS user_display_name
        FROM users AS u
        CROSS JOIN LATERAL (
            SELECT i.id, i.reset_timestamp, i.notes, i.created_at, i.updated_at
            FROM incident_timers AS i
            WHERE i.user_id = u.id
            ORDER BY i.reset_timestamp DESC, i.id DESC
            LIMIT 1) AS t
        WHERE u.slug = @slug
        LIMIT 1
        """;
    private const string ListSql = """
        SELECT i.id, i.reset_timestamp, i.notes, i.created_at, i.updated_at
        FROM incident_timers AS i
        WHERE i.user_id = @user
        ORDER BY i.reset_timestamp DESC, i.id DESC
        LIMIT 100
        """;
    private const string CreateSql = """
        INSERT INTO incident_timers (notes, reset_timestamp, user_id) VALUES (@notes, @reset, @user)
        RETURNING id, created_at, updated_at
        """;
}

internal sealed record Timer(Guid Id, DateTimeOffset ResetTimestamp, string? Notes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
internal sealed record PublicTimer(Guid Id, DateTimeOffset ResetTimestamp, string? Notes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string UserDisplayName);
internal sealed record TimerRequest(DateTimeOffset? ResetTimestamp, string? Notes);
internal sealed record LoginRequest(string? Email, string? Password);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Timer))]
[JsonSerializable(typeof(List<Timer>))]
[JsonSerializable(typeof(PublicTimer))]
[JsonSerializable(typeof(TimerRequest))]
[JsonSerializable(typeof(LoginRequest))]
internal sealed partial class ReferenceJson : JsonSerializerContext;
