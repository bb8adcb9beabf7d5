using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;

namespace KennWilliamson.Tests.Scale;

/// <summary>
/// A scratch database migrated by the worker and seeded at the size of issue 16: 10,000 users with 10
/// timers each (100,000), one user, <see cref="HeavySlug"/>, with 20,000, a refresh token per user and
/// three audit events per user; then ANALYZE. Seeded once per test run and only read afterwards (EXPLAIN);
/// it lives in the fixture's throwaway cluster and goes with it.
/// </summary>
internal static class HistoryDatabase
{
    public const string HeavySlug = "history-heavy";
    public const int HeavyTimers = 20_000;
    public const int Users = 10_000;
    public const int TimersPerUser = 10;

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (ITestApp Fixture, ScratchDatabase Database)? _seeded;

    public static async Task<ScratchDatabase> GetAsync(ITestApp fixture)
    {
        await Gate.WaitAsync();
        try
        {
            if (_seeded is { } seeded && ReferenceEquals(seeded.Fixture, fixture))
            {
                return seeded.Database;
            }
            var database = await ScratchDatabase.CreateAsync(fixture, "scale_history");
            var worker = await database.RunWorkerAsync("run");
            Assert.True(worker.ExitCode == 0, worker.Output + worker.Error);
            await using (var connection = await database.OpenAsync())
            {
                await connection.ExecuteAsync(SeedSql);
                await connection.ExecuteAsync("ANALYZE");
            }
            _seeded = (fixture, database);
            return database;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static readonly string SeedSql = $"""
        INSERT INTO users (email, password_hash, display_name, slug)
        SELECT 'history-' || n || '@example.com', 'x', 'History ' || n, 'history-' || n FROM generate_series(1, {Users}) n;
        INSERT INTO users (email, password_hash, display_name, slug)
        VALUES ('{HeavySlug}@example.com', 'x', 'Heavy History', '{HeavySlug}');
        INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r WHERE r.name = 'user';
        INSERT INTO incident_timers (user_id, reset_timestamp, notes)
        SELECT u.id, now() - random() * interval '365 days', 'seeded' FROM users u, generate_series(1, {TimersPerUser})
        WHERE u.slug <> '{HeavySlug}';
        INSERT INTO incident_timers (user_id, reset_timestamp, notes)
        SELECT u.id, now() - random() * interval '365 days', 'seeded' FROM users u, generate_series(1, {HeavyTimers})
        WHERE u.slug = '{HeavySlug}';
        INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
        SELECT u.id, gen_random_uuid(), sha256(convert_to(u.id::text, 'UTF8')), now() + interval '7 days' FROM users u;
        INSERT INTO audit_events (actor_user_id, action, target)
        SELECT u.id, 'user.login', 'user:' || u.id FROM users u, generate_series(1, 3);
        """;
}
