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
        // Serves the public read, the keyset-paged list and the user_id foreign key.
        builder.HasIndex(t => new { t.UserId, t.ResetTimestamp, t.Id })
            .IsDescending(false, true, true)
            .HasDatabaseName("idx_incident_timers_user_reset_id");

        builder.HasOne(t => t.User).WithMany(u => u.IncidentTimers)
            .HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
