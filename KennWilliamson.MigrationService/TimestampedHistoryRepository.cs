using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations.Internal;

namespace KennWilliamson.MigrationService;

// EF1001: subclassing the provider's history repository is EF's documented way to add a column to
// the history table; the type lives in an Internal namespace, hence the warning.
#pragma warning disable EF1001
/// <summary>EF's history plus <c>applied_at</c>, for <c>info</c>.</summary>
internal sealed class TimestampedHistoryRepository(HistoryRepositoryDependencies dependencies)
    : NpgsqlHistoryRepository(dependencies)
{
    public const string AppliedAtColumn = "applied_at";

    protected override void ConfigureTable(EntityTypeBuilder<HistoryRow> history)
    {
        base.ConfigureTable(history);
        history.Property<DateTimeOffset>("AppliedAt").HasColumnName(AppliedAtColumn).HasDefaultValueSql("now()");
    }
}
#pragma warning restore EF1001
