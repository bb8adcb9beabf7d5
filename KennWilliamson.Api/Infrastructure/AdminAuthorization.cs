using Microsoft.AspNetCore.Authorization;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// The admin policy: an authenticated caller whom the database lists as an admin at the time of the request
/// (<see cref="CurrentUser.IsAdminAsync"/>), whatever their token says. A revoked admin's token is refused
/// at once (403), not when it expires.
/// </summary>
public static class AdminAuthorization
{
    public static AuthorizationPolicy Policy { get; } = new AuthorizationPolicyBuilder()
        .RequireAuthenticatedUser()
        .AddRequirements(new CurrentAdminRequirement())
        .Build();

    /// <summary>The handler of <see cref="CurrentAdminRequirement"/> (it needs <see cref="CurrentUser"/>, AddCurrentUser).</summary>
    public static IServiceCollection AddAdminPolicy(this IServiceCollection services) =>
        services.AddScoped<IAuthorizationHandler, CurrentAdminHandler>();
}

/// <summary>The caller holds the admin role now (read from the database, not from the token).</summary>
public sealed class CurrentAdminRequirement : IAuthorizationRequirement;

internal sealed class CurrentAdminHandler(CurrentUser current) : AuthorizationHandler<CurrentAdminRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, CurrentAdminRequirement requirement)
    {
        var ct = context.Resource is HttpContext http ? http.RequestAborted : CancellationToken.None;
        if (await current.IsAdminAsync(ct))
        {
            context.Succeed(requirement);
        }
    }
}
