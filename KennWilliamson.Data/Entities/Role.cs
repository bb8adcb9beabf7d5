namespace KennWilliamson.Data.Entities;

/// <summary>A named permission set. The migrations seed <see cref="UserRoleName"/> and <see cref="AdminRoleName"/>.</summary>
public sealed class Role
{
    public const string UserRoleName = "user";
    public const string AdminRoleName = "admin";

    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
