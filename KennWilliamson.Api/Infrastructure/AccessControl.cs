namespace KennWilliamson.Api.Infrastructure;

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
