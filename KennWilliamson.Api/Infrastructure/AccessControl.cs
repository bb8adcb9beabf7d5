namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// Who calls and what they may do: the caller is the token's subject (<see cref="CurrentUser"/>), admin rights
/// are read from the database (<see cref="AdminAuthorization"/>), and the audit trail records it. Deny by default
/// is <c>RequireAuthorization()</c> on the <c>/api</c> group, with public routes saying <c>AllowAnonymous</c>.
/// </summary>
public static class AccessControl
{
    public static IServiceCollection AddAccessControl(this IServiceCollection services)
    {
        services.AddAuthorization();
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<AuditLog>();
        return services.AddCurrentUser().AddAdminPolicy();
    }
}
