using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KennWilliamson.Data.Configuration;

internal sealed class RoleConfiguration : IEntityTypeConfiguration<Role>
{
    public void Configure(EntityTypeBuilder<Role> builder)
    {
        builder.HasUpdatedAtTrigger("roles");
        builder.Property(r => r.Id).HasDatabaseGeneratedId();
        builder.Property(r => r.Name).HasMaxLength(50);
        builder.HasIndex(r => r.Name).IsUnique();
        builder.Property(r => r.CreatedAt).IsCreatedTimestamp();
        builder.Property(r => r.UpdatedAt).IsUpdatedTimestamp();
    }
}
