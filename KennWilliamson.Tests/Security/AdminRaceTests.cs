using System.Collections.Concurrent;
using System.Net;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;

namespace KennWilliamson.Tests.Security;

/// <summary>
/// An admin decision holds under concurrency: the grant or revoke re-checks, in its own transaction, that the
/// caller is still an admin, serialized against a revocation of the caller running at the same moment. A request
/// already in flight when its sender is revoked changes nothing, and two admins revoking each other cannot both win.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class AdminRaceTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const int Rounds = 5;
    private const int Loopers = 4;

    /// <summary>
    /// Alice loops self-grants (a no-op while she is an admin) from several clients at once; mid-loop, Bob revokes
    /// her. Whatever the interleaving, she ends revoked, no grant of hers is recorded, and nothing answered 5xx.
    /// </summary>
    [Fact]
    public async Task A_revoked_admin_looping_self_grants_stays_revoked()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var alice = await Admins.CreateInDatabaseAsync(fixture);
            var bob = await Admins.CreateInDatabaseAsync(fixture);
            var statuses = new ConcurrentBag<HttpStatusCode>();
            using var stop = new CancellationTokenSource();

            // Each client loops until refused; after the revocation every one of them must be, soon.
            var loops = Enumerable.Range(0, Loopers).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    using var grant = await fixture.Api.SendAsync(HttpMethod.Put, $"/api/admin/users/{alice.Id}/roles/admin", token: alice.Token);
                    statuses.Add(grant.StatusCode);
                    if (grant.StatusCode != HttpStatusCode.OK)
                    {
                        return;
                    }
                }
            })).ToList();
            await Task.Delay(TimeSpan.FromMilliseconds(400));
            using (var revoke = await fixture.Api.SendAsync(HttpMethod.Delete, $"/api/admin/users/{alice.Id}/roles/admin", token: bob.Token))
            {
                Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
            }
            var refused = await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
            await stop.CancelAsync();
            await Task.WhenAll(loops);

            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Forbidden, $"a self-grant answered {(int)s}"));
            Assert.True(refused, $"round {round}: alice's self-grants were still accepted 10 s after her revocation");
            await using var db = await Connections.OpenAsync(fixture.OwnerConnectionString);
            Assert.False(await Admins.IsAdminAsync(db, alice.Id), $"round {round}: alice is an admin again after her revocation");
            Assert.Equal(["role.revoked by bob"], await RoleEventsAsync(db, alice, bob, alice.Id));
        }
    }

    /// <summary>
    /// Two admins revoke each other at the same instant. One wins (200), the other was no longer an admin when
    /// their revocation came to be decided (403): exactly one stays admin, and the audit trail holds exactly the
    /// winner's revocation. A deadlock between the two would be answered as neither, and fails the test too.
    /// </summary>
    [Fact]
    public async Task Two_admins_revoking_each_other_at_once_leave_exactly_one_admin()
    {
        for (var round = 0; round < Rounds * 2; round++)
        {
            var alice = await Admins.CreateInDatabaseAsync(fixture);
            var bob = await Admins.CreateInDatabaseAsync(fixture);
            using var start = new Barrier(2);
            var answers = await Task.WhenAll(new[] { (alice, bob), (bob, alice) }.Select(pair => Task.Run(async () =>
            {
                var (caller, target) = pair;
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                using var revoke = await fixture.Api.SendAsync(HttpMethod.Delete, $"/api/admin/users/{target.Id}/roles/admin", token: caller.Token);
                if (revoke.StatusCode == HttpStatusCode.Forbidden)
                {
                    await revoke.AssertProblemAsync(HttpStatusCode.Forbidden);
                }
                return (Caller: caller, Target: target, revoke.StatusCode);
            })));

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Forbidden], answers.Select(a => a.StatusCode).Order());
            var (winner, loser, _) = answers.Single(a => a.StatusCode == HttpStatusCode.OK);
            await using var db = await Connections.OpenAsync(fixture.OwnerConnectionString);
            Assert.True(await Admins.IsAdminAsync(db, winner.Id), $"round {round}: the winner lost the role");
            Assert.False(await Admins.IsAdminAsync(db, loser.Id), $"round {round}: the loser kept the role");
            var winnerName = winner == alice ? "alice" : "bob";
            Assert.Equal([$"role.revoked by {winnerName}"], await RoleEventsAsync(db, alice, bob, loser.Id));
            Assert.Empty(await RoleEventsAsync(db, alice, bob, winner.Id));
        }
    }

    /// <summary>
    /// A writer outside the API that takes the locks in another order (here the owner: it holds one of the target's
    /// refresh tokens, then asks for the target's role lock, which the grant holds) deadlocks with the grant, and
    /// PostgreSQL cancels the grant. The grant is decided afresh once the writer is gone: 200, one audit row, not 5xx.
    /// </summary>
    [Fact]
    public async Task A_grant_cancelled_by_a_deadlock_is_retried_and_recorded_once()
    {
        var admin = await Admins.CreateInDatabaseAsync(fixture);
        var target = await fixture.Api.RegisterAsync();
        // As the superuser, so it may wait 30 s before looking for a deadlock: the grant (1 s) is the one to find it and be cancelled.
        await using var writer = await Connections.OpenAsync(new Npgsql.NpgsqlConnectionStringBuilder(fixture.ServerConnectionString)
        {
            Database = new Npgsql.NpgsqlConnectionStringBuilder(fixture.OwnerConnectionString).Database,
        }.ConnectionString);
        await writer.ExecuteAsync("SET deadlock_timeout = '30s'");
        await using var observer = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var tx = await writer.BeginTransactionAsync();
        await writer.ExecuteAsync("SELECT 1 FROM refresh_tokens WHERE user_id = $1 FOR UPDATE", Guid.Parse(target.Id));

        var grant = fixture.Api.SendAsync(HttpMethod.Put, $"/api/admin/users/{target.Id}/roles/admin", token: admin.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (await observer.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))", writer.ProcessID) == 0)
        {
            Assert.False(grant.IsCompleted, "the grant finished without waiting for the held refresh token");
            Assert.True(DateTime.UtcNow < deadline, "the grant never reached the held refresh token");
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
        // The grant holds the target's role lock and waits for the writer; the writer now waits for the grant.
        await writer.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('user-roles:' || $1::text, 0))", Guid.Parse(target.Id));
        await tx.RollbackAsync();

        using var response = await grant;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(await Admins.IsAdminAsync(observer, target.Id));
        Assert.Equal(1L, await observer.ScalarAsync<long>(
            "SELECT count(*) FROM audit_events WHERE action = 'role.granted' AND target = $1", $"user:{target.Id}"));
    }

    /// <summary>The role events about <paramref name="targetId"/>, oldest first, as "action by alice|bob".</summary>
    private static async Task<List<string>> RoleEventsAsync(Npgsql.NpgsqlConnection db, Account alice, Account bob, string targetId)
    {
        var rows = await db.RowsAsync(
            "SELECT action, actor_user_id FROM audit_events WHERE target = $1 AND action LIKE 'role.%' ORDER BY occurred_at, id", $"user:{targetId}");
        return [.. rows.Select(r => $"{r[0]} by {(r[1]?.ToString() == alice.Id ? "alice" : r[1]?.ToString() == bob.Id ? "bob" : r[1] ?? "nobody")}")];
    }
}
