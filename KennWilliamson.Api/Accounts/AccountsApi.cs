using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Data;
using KennWilliamson.Data.Entities;
using KennWilliamson.Data.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace KennWilliamson.Api.Accounts;

public static class AccountsApi
{
    private const string InvalidCredentials = "Invalid email or password";
    private const string InvalidRefreshToken = "Invalid refresh token";

    // Verified against when the email is unknown, so both failures take the same time.
    private static readonly Lazy<string> UnknownUserHash = new(() => PasswordHasher.Hash(Guid.NewGuid().ToString()));

    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddScoped<UserAccounts>();
        services.AddValidatedOptions<JwtOptions>(JwtOptions.Section);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>>((bearer, jwt) =>
            {
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = TokenService.ValidationParameters(jwt.Value);
            });
        services.AddSingleton<TokenService>();
        services.AddScoped<RefreshTokenStore>();
        services.AddScoped<Sessions>();
        services.AddSingleton<SharedLoginFailures>();
        services.AddRefreshTokenPurge();
        services.AddAuthRateLimits();
        return services.AddFailedLoginLimits();
    }

    public static RouteGroupBuilder MapAccounts(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/auth/preview-slug", PreviewSlugAsync).WithTags("Users").AllowAnonymous();
        var group = routes.MapGroup("/auth").WithTags("Auth");

        group.MapPost("/register", RegisterAsync).AllowAnonymous().RequireAuthLimits();
        group.MapPost("/login", LoginAsync).AllowAnonymous().RequireAuthLimits();
        group.MapPost("/refresh", RefreshAsync).AllowAnonymous().RequireAuthLimits();
        group.MapPost("/logout", LogoutAsync).AllowAnonymous();
        group.MapGet("/me", MeAsync).RequireAuthorization();
        return group;
    }

    private static async Task<Results<Created<AuthResponse>, ConflictProblem>> RegisterAsync(
        RegisterRequest request, UserAccounts accounts, Sessions sessions, CancellationToken ct)
    {
        var email = request.Email!;
        if (await accounts.FindByEmail(email).AnyAsync(ct))
        {
            return EmailExists();
        }

        var hash = PasswordHasher.Hash(request.Password!);
        var created = await sessions.RegisterAsync(email, hash, request.DisplayName!.Trim(), ct);
        return created is null
            ? EmailExists()
            : TypedResults.Created("/api/auth/me", created);
    }

    private static async Task<Results<Ok<AuthResponse>, UnauthorizedProblem, TooManyRequestsProblem>> LoginAsync(
        LoginRequest request, UserAccounts accounts, Sessions sessions, AuditLog audit, FailedLoginLimiter failures, SharedLoginFailures sharedFailures,
        HttpContext http, CancellationToken ct)
    {
        // Keyed on the email as the database lowers it ('İ' lowers differently in .NET), so no spelling has its own budget.
        var email = await accounts.EmailKeyAsync(request.Email!, ct);
        using var attempt = failures.TryBegin(email, out var wait);
        if (attempt is null)
        {
            RateLimits.SetRetryAfter(http.Response, wait);
            return new TooManyRequestsProblem();
        }
        await using var shared = await sharedFailures.TryBeginAsync(email, ct);
        if (shared.RetryAfter is { } sharedWait)
        {
            RateLimits.SetRetryAfter(http.Response, sharedWait);
            return new TooManyRequestsProblem();
        }
        var user = await accounts.FindByEmail(request.Email!.Trim()).AsNoTracking().SingleOrDefaultAsync(ct);
        if (user is null)
        {
            PasswordHasher.Verify(request.Password!, UnknownUserHash.Value);
        }
        if (user is null || !PasswordHasher.Verify(request.Password!, user.PasswordHash))
        {
            attempt.Failed();
            shared.Failed();
            // Bounded, so an admin can see what was tried; never the password.
            await audit.WriteAsync(AuditActions.LoginFailed, user?.Id, Truncate(request.Email!, 255), ct: ct);
            return new UnauthorizedProblem(InvalidCredentials);
        }
        attempt.Succeeded();
        await shared.SucceededAsync(ct);
        if (PasswordHasher.NeedsRehash(user.PasswordHash))
        {
            // e.g. the original backend's bcrypt hash.
            await accounts.UpgradePasswordHashAsync(user, request.Password!, ct);
        }
        audit.Add(AuditActions.LoginSucceeded, user.Id, $"user:{user.Id}");
        return TypedResults.Ok(await sessions.SignInAsync(user, ct));
    }

    private static string Truncate(string value, int max) => value.Length > max ? value[..max] : value;

    private static async Task<Results<Ok<AuthResponse>, UnauthorizedProblem>> RefreshAsync(
        RefreshRequest request, Sessions sessions, CancellationToken ct)
    {
        var response = await sessions.RefreshAsync(request.RefreshToken!, ct);
        return response is null ? new UnauthorizedProblem(InvalidRefreshToken) : TypedResults.Ok(response);
    }

    private static async Task<NoContent> LogoutAsync(RefreshRequest request, RefreshTokenStore refreshTokens, CancellationToken ct)
    {
        await refreshTokens.RevokeAsync(request.RefreshToken!, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<UserResponse>, NotFoundProblem>> MeAsync(
        CurrentUser caller, AppDbContext db, UserAccounts accounts, CancellationToken ct)
    {
        var user = caller.Id is { } id
            ? await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == id, ct)
            : null;
        return user is null
            ? new NotFoundProblem("User not found")
            : TypedResults.Ok(UserResponse.From(user, await accounts.RolesOfAsync(user.Id, ct)));
    }

    private static async Task<Ok<SlugPreviewResponse>> PreviewSlugAsync(PreviewSlugRequest request, AppDbContext db, CancellationToken ct)
    {
        var slug = Slugs.FromDisplayName(request.DisplayName!);
        var final = await SlugQueries.FirstAvailableAsync(db, slug, ct);
        return TypedResults.Ok(new SlugPreviewResponse(slug, final == slug, final));
    }

    private static ConflictProblem EmailExists() => new("Email already exists");
}
