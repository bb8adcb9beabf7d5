using System.Net.Mail;
using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Api.Users;

namespace KennWilliamson.Api.Auth;

public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName) : IValidatable
{
    public void Validate(FieldErrors errors)
    {
        AuthValidation.Email(errors, Email);
        AuthValidation.Password(errors, Password);
        UserValidation.DisplayName(errors, DisplayName);
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

internal static class AuthValidation
{
    public static void Email(FieldErrors errors, string? email)
    {
        errors.Required("email", email);
        errors.Length("email", email, 0, 255);
        if (!string.IsNullOrWhiteSpace(email) && email.Length <= 255 && !IsEmail(email))
        {
            errors.Add("email", "email must be a valid email address");
        }
    }

    public static void Password(FieldErrors errors, string? password)
    {
        if (password is null)
        {
            errors.Add("password", "password is required");
            return;
        }
        errors.Length("password", password, 8, 128);
    }

    private static bool IsEmail(string email) =>
        email.Trim() == email
        && email.IndexOf('@', StringComparison.Ordinal) is > 0 and var at
        && at < email.Length - 1
        && email.IndexOf('@', at + 1) < 0
        && MailAddress.TryCreate(email, out var parsed)
        && parsed.Address == email;
}
