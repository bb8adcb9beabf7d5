using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace KennWilliamson.Api.Infrastructure;

public static class HttpPipeline
{
    public static WebApplicationBuilder AddHttpPipeline(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = configuration.GetValue("Limits:MaxRequestBodyBytes", 1_048_576L));
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiProblems.AddErrorMember);
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        // Unreadable bodies reach the exception handler in every environment, which names the field.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddTrustedForwardedHeaders(configuration);
        builder.Services.AddCors(o => o.AddDefaultPolicy(policy => policy
            .WithOrigins(configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? ["http://localhost:3000"])
            .AllowAnyHeader()
            .AllowAnyMethod()));
        builder.Services.AddOpenApi(o => o.AddOperationTransformer<CommonResponses>());
        return builder;
    }

    public static WebApplication UseHttpPipeline(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value.ForwardedHeaders != ForwardedHeaders.None)
        {
            app.UseForwardedHeaders();
        }
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Before routing, so it also serves the public read, which ends inside routing.
        app.UseCors();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}
