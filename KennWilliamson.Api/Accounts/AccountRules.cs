using System.Net.Mail;
using KennWilliamson.Api.Infrastructure;

namespace KennWilliamson.Api.Accounts;

/// <summary>The rules of an account's own fields, shared by registration and the slug preview.</summary>
public static class AccountRules
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

    public static void DisplayName(FieldErrors errors, string? displayName)
    {
        errors.Required("display_name", displayName);
        if (displayName is not null && displayName.Trim().Length > 100)
        {
            errors.Add("display_name", "display_name must be between 1 and 100 characters");
        }
    }
}
