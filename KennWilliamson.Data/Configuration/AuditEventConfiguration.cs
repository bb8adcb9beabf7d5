using KennWilliamson.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KennWilliamson.Data.Configuration;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("audit_events");
        builder.Property(e => e.Id).HasDatabaseGeneratedId();
        builder.Property(e => e.OccurredAt).IsCreatedTimestamp();
        builder.Property(e => e.Action).HasMaxLength(64);
        builder.Property(e => e.Target).HasMaxLength(255);
        builder.Property(e => e.UserAgent).HasMaxLength(512);
        builder.Property(e => e.Details).HasColumnType("jsonb");
        builder.HasIndex(e => e.OccurredAt).IsDescending();
        builder.HasIndex(e => e.ActorUserId);
    }
}
