using KennWilliamson.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KennWilliamson.Api.Users;

/// <summary>What a display name would become as a public slug.</summary>
public static class UsersApi
{
    public static IServiceCollection AddUsers(this IServiceCollection services) => services.AddScoped<UserAccounts>();

    public static RouteHandlerBuilder MapPreviewSlug(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/auth/preview-slug", PreviewAsync)
            .WithTags("Users")
            .AllowAnonymous();

    private static async Task<Ok<SlugPreviewResponse>> PreviewAsync(PreviewSlugRequest request, AppDbContext db, CancellationToken ct)
    {
        var slug = Slugs.FromDisplayName(request.DisplayName!);
        var final = await SlugQueries.FirstAvailableAsync(db, slug, ct);
        return TypedResults.Ok(new SlugPreviewResponse(slug, final == slug, final));
    }
}
