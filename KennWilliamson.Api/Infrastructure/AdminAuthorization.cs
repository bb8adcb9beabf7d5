using Microsoft.AspNetCore.Authorization;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>Admin as the database says at request time, not the token, so a revoked admin is refused at once.</summary>
public static class AdminAuthorization
{
    public static AuthorizationPolicy Policy { get; } = new AuthorizationPolicyBuilder()
        .RequireAuthenticatedUser()
        .AddRequirements(new CurrentAdminRequirement())
        .Build();

    public static IServiceCollection AddAdminPolicy(this IServiceCollection services) =>
        services.AddScoped<IAuthorizationHandler, CurrentAdminHandler>();
}

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
