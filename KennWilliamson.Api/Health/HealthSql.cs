using KennWilliamson.Data.Sql;

namespace KennWilliamson.Api.Health;

public static class HealthSql
{
    public static readonly SqlStatement ServerVersion = new("server version",
        "SELECT current_setting('server_version') AS \"Value\"", [], new SqlColumn("Value", typeof(string)));

    public static readonly SqlStatement AppliedMigrations = new("applied migrations",
        "SELECT count(*)::int AS \"Value\" FROM \"__EFMigrationsHistory\"", [], new SqlColumn("Value", typeof(int)));

    /// <summary>One round trip: the database's size (no relation), then the largest tables.</summary>
    public static readonly SqlStatement StorageSample = new("storage sample", $"""
        SELECT NULL::text AS relation, pg_database_size(current_database()) AS bytes
        UNION ALL
        (SELECT c.relname::text, pg_total_relation_size(c.oid)
         FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
         ORDER BY 2 DESC, 1
         LIMIT {StorageSampler.LargestTableCount})
        """, [], new SqlColumn("relation", typeof(string)), new("bytes", typeof(long)));

    /// <summary>Held by the one replica that samples storage for the application.</summary>
    public static readonly SqlStatement SamplerLock = new("storage sampler lock",
        "SELECT pg_try_advisory_lock(hashtext('kennwilliamson:storage-sampler'))", [], new SqlColumn("pg_try_advisory_lock", typeof(bool)));

    public static readonly SqlStatement SamplerAlive = new("storage sampler alive", "SELECT 1", [], new SqlColumn("?column?", typeof(int)));

    public static readonly SqlStatement SamplerRelease = new("storage sampler release",
        "SELECT pg_advisory_unlock(hashtext('kennwilliamson:storage-sampler'))", [], new SqlColumn("pg_advisory_unlock", typeof(bool)));
}
