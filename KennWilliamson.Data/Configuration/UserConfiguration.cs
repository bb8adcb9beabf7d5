using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KennWilliamson.Data.Configuration;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.HasUpdatedAtTrigger("users");
        builder.Property(u => u.Id).HasDatabaseGeneratedId();
        // The migration creates the unique index on lower(email), which EF cannot model.
        builder.Property(u => u.Email).HasMaxLength(255);
        builder.Property(u => u.PasswordHash).HasMaxLength(255);
        builder.Property(u => u.DisplayName).HasMaxLength(100);
        builder.Property(u => u.Slug).HasMaxLength(255);
        builder.HasIndex(u => u.Slug).IsUnique();
        builder.Property(u => u.CreatedAt).IsCreatedTimestamp();
        builder.Property(u => u.UpdatedAt).IsUpdatedTimestamp();
    }
}
