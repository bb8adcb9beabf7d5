using KennWilliamson.Api.Infrastructure;

namespace KennWilliamson.Api.Accounts;

public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName) : IValidatable
{
    public void Validate(FieldErrors errors)
    {
        AccountRules.Email(errors, Email);
        AccountRules.Password(errors, Password);
        AccountRules.DisplayName(errors, DisplayName);
    }
}

public sealed record LoginRequest(string? Email, string? Password) : IValidatable
{
    public void Validate(FieldErrors errors)
    {
        errors.Required("email", Email);
        errors.Required("password", Password);
        errors.Length("email", Email, 0, 255);
        errors.Length("password", Password, 0, 128);
    }
}

public sealed record RefreshRequest(string? RefreshToken) : IValidatable
{
    public void Validate(FieldErrors errors)
    {
        errors.Required("refresh_token", RefreshToken);
        errors.Length("refresh_token", RefreshToken, 0, 200);
    }
}

/// <summary>register, login and refresh all answer with this.</summary>
public sealed record AuthResponse(string Token, string RefreshToken, UserResponse User);

public sealed record PreviewSlugRequest(string? DisplayName) : IValidatable
{
    public void Validate(FieldErrors errors) => AccountRules.DisplayName(errors, DisplayName);
}

public sealed record SlugPreviewResponse(string Slug, bool Available, string FinalSlug);
