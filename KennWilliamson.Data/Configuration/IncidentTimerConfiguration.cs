using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KennWilliamson.Data.Configuration;

internal sealed class IncidentTimerConfiguration : IEntityTypeConfiguration<IncidentTimer>
{
    public void Configure(EntityTypeBuilder<IncidentTimer> builder)
    {
        builder.HasUpdatedAtTrigger("incident_timers");
        builder.Property(t => t.Id).HasDatabaseGeneratedId();
        builder.Property(t => t.ResetTimestamp).HasDefaultValueSql(DatabaseDefaults.Now);
        builder.Property(t => t.CreatedAt).IsCreatedTimestamp();
        builder.Property(t => t.UpdatedAt).IsUpdatedTimestamp();
        // Serves both "a user's timers, newest first" and the user_id foreign key.
        builder.HasIndex(t => new { t.UserId, t.ResetTimestamp })
            .IsDescending(false, true)
            .HasDatabaseName("idx_incident_timers_user_reset");

        builder.HasOne(t => t.User).WithMany(u => u.IncidentTimers)
            .HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
