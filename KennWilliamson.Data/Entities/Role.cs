namespace KennWilliamson.Data.Entities;

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
