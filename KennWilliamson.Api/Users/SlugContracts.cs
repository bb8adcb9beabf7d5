using KennWilliamson.Api.Infrastructure;

namespace KennWilliamson.Api.Users;

public sealed record PreviewSlugRequest(string? DisplayName) : IValidatable
{
    public void Validate(FieldErrors errors) => UserValidation.DisplayName(errors, DisplayName);
}

public sealed record SlugPreviewResponse(string Slug, bool Available, string FinalSlug);

/// <summary>Rules for a user's own fields, shared by registration (Auth) and the slug preview.</summary>
public static class UserValidation
{
    public static void DisplayName(FieldErrors errors, string? displayName)
    {
        errors.Required("display_name", displayName);
        if (displayName is not null && displayName.Trim().Length > 100)
        {
            errors.Add("display_name", "display_name must be between 1 and 100 characters");
        }
    }
}
