using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KennWilliamson.Data.Configuration;

internal sealed class UserRoleConfiguration : IEntityTypeConfiguration<UserRole>
{
    public void Configure(EntityTypeBuilder<UserRole> builder)
    {
        builder.ToTable("user_roles");
        builder.Property(ur => ur.Id).HasDatabaseGeneratedId();
        builder.Property(ur => ur.AssignedAt).IsCreatedTimestamp();
        // The unique index leads with user_id, so it also serves the user_id foreign key.
        builder.HasIndex(ur => new { ur.UserId, ur.RoleId }).IsUnique();

        builder.HasOne(ur => ur.User).WithMany(u => u.Roles)
            .HasForeignKey(ur => ur.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(ur => ur.Role).WithMany()
            .HasForeignKey(ur => ur.RoleId).OnDelete(DeleteBehavior.Cascade);
        // Deleting the admin who assigned a role keeps the assignment.
        builder.HasOne<User>().WithMany()
            .HasForeignKey(ur => ur.AssignedBy).OnDelete(DeleteBehavior.SetNull);
    }
}
