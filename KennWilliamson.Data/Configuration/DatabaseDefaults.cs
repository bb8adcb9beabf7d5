using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace KennWilliamson.Data.Configuration;

internal static class DatabaseDefaults
{
    public const string NewId = "uuid_generate_v7()";
    public const string Now = "now()";

    public static PropertyBuilder<Guid> HasDatabaseGeneratedId(this PropertyBuilder<Guid> id) =>
        id.HasDefaultValueSql(NewId).ValueGeneratedOnAdd();

    public static PropertyBuilder<DateTimeOffset> IsCreatedTimestamp(this PropertyBuilder<DateTimeOffset> property)
    {
        property.HasDefaultValueSql(Now).ValueGeneratedOnAdd();
        property.Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        return property;
    }

    /// <summary>Kept by the trigger: EF never writes it and reads it back after every insert and update.</summary>
    public static PropertyBuilder<DateTimeOffset> IsUpdatedTimestamp(this PropertyBuilder<DateTimeOffset> property)
    {
        property.HasDefaultValueSql(Now).ValueGeneratedOnAddOrUpdate();
        property.Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        property.Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        return property;
    }

    public static void HasUpdatedAtTrigger<T>(this EntityTypeBuilder<T> entity, string table)
        where T : class =>
        entity.ToTable(table, t => t.HasTrigger($"update_{table}_updated_at"));
}
