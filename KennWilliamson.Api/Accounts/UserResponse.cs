using KennWilliamson.Data.Entities;

namespace KennWilliamson.Api.Accounts;

/// <summary>A user as the API shows it: never the password hash or updated_at.</summary>
public sealed record UserResponse(Guid Id, string Email, string DisplayName, string Slug, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt)
{
    public static UserResponse From(User user, IReadOnlyList<string> roles) =>
        new(user.Id, user.Email, user.DisplayName, user.Slug, roles, user.CreatedAt);
}
