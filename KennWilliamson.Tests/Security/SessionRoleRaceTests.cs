using System.Net;
using System.Text.Json;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Npgsql;

namespace KennWilliamson.Tests.Security;

/// <summary>
/// A sign-in or a refresh racing a role change never leaves a session that carries the old roles: whatever the
/// interleaving, a refresh token whose answer named roles the user no longer holds is refused, and the user's
/// live sessions all carry the roles the database holds now.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class SessionRoleRaceTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The interleaving made certain: the owner holds Carol's user row, so her sign-in stalls
    /// at its first write, after it has read her roles (admin) and before its session exists. Bob revokes her admin
    /// role meanwhile; then the row is let go. Either the revocation waited for the sign-in and ended its session,
    /// or the sign-in read the roles after the revocation: no live session may say admin.
    /// </summary>
    [Fact]
    public async Task A_sign_in_stalled_across_a_revocation_leaves_no_session_with_the_old_roles()
    {
        for (var round = 0; round < 3; round++)
        {
            var carol = await Admins.CreateInDatabaseAsync(fixture);
            var bob = await Admins.CreateInDatabaseAsync(fixture);
            await using var holder = await Connections.OpenAsync(fixture.OwnerConnectionString);
            await using var observer = await Connections.OpenAsync(fixture.OwnerConnectionString);
            var hold = await holder.BeginTransactionAsync();
            await holder.ExecuteAsync("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", Guid.Parse(carol.Id));

            var login = fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = carol.Email, password = carol.Password });
            await WaitUntilAsync(async () => await BlockedByAsync(observer, holder.ProcessID) > 0, login, "the sign-in to reach its first write");
            var revoke = fixture.Api.SendAsync(HttpMethod.Delete, $"/api/admin/users/{carol.Id}/roles/admin", token: bob.Token);
            // The revocation either finishes (nothing holds it back) or waits behind the stalled sign-in.
            await WaitUntilAsync(async () => revoke.IsCompleted || await WaitingForAdvisoryLocksAsync(observer) > 0, null, "the revocation to finish or wait");
            await hold.RollbackAsync();

            using var signedIn = await login;
            using var revoked = await revoke;
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
            await AssertNoLiveSessionCarriesOldRolesAsync([await signedIn.JsonAsync()], round);
            Assert.False(await Admins.IsAdminAsync(observer, carol.Id));
        }
    }

    /// <summary>
    /// A refresh that arrives while a role change holds Carol's role lock waits for the change before it touches
    /// its family, so the two cannot deadlock (the change locks her families next). The owner plays a role change
    /// outside the API holding the lock, so that Bob's revocation is queued first and the refresh second; then it
    /// lets go. The revocation wins, the refresh is refused, nothing answers 5xx.
    /// </summary>
    [Fact]
    public async Task A_refresh_queued_behind_a_revocation_waits_for_it_and_is_refused()
    {
        for (var round = 0; round < 3; round++)
        {
            var carol = await Admins.CreateInDatabaseAsync(fixture);
            var bob = await Admins.CreateInDatabaseAsync(fixture);
            await using var holder = await Connections.OpenAsync(fixture.OwnerConnectionString);
            await using var observer = await Connections.OpenAsync(fixture.OwnerConnectionString);
            var hold = await holder.BeginTransactionAsync();
            await holder.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('user-roles:' || $1::text, 0))", Guid.Parse(carol.Id));

            var revoke = fixture.Api.SendAsync(HttpMethod.Delete, $"/api/admin/users/{carol.Id}/roles/admin", token: bob.Token);
            await WaitUntilAsync(async () => await BlockedByAsync(observer, holder.ProcessID) == 1, revoke, "the revocation to queue for the role lock");
            var refresh = fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = carol.RefreshToken });
            await WaitUntilAsync(async () => await BlockedByAsync(observer, holder.ProcessID) == 2, refresh, "the refresh to queue behind it");
            await hold.RollbackAsync();

            using var revoked = await revoke;
            using var refreshed = await refresh;
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            await refreshed.AssertProblemAsync(HttpStatusCode.Unauthorized, "Invalid refresh token");
            Assert.False(await Admins.IsAdminAsync(observer, carol.Id));
        }
    }

    /// <summary>
    /// Free-running: logins and refreshes of Carol's sessions race Bob's revocation of her admin role, several
    /// rounds. No answer is 5xx (no deadlock among the sign-in, rotation and role-change locks), and no session
    /// that named admin survives. The interleaving the tests above force is rare here: this one guards the
    /// locks under ordinary concurrency rather than reproducing the race.
    /// </summary>
    [Fact]
    public async Task Logins_and_refreshes_racing_a_revocation_leave_no_session_with_the_old_roles()
    {
        for (var round = 0; round < 3; round++)
        {
            var carol = await Admins.CreateInDatabaseAsync(fixture);
            var bob = await Admins.CreateInDatabaseAsync(fixture);
            var sessions = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                sessions.Add((await LoginAsync(carol)).GetProperty("refresh_token").GetString()!);
            }

            using var start = new Barrier(3 + sessions.Count + 1);
            var logins = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
            {
                start.SignalAndWait(Patience);
                return await LoginAsync(carol);
            }));
            var refreshes = sessions.Select(token => Task.Run(async () =>
            {
                start.SignalAndWait(Patience);
                using var refresh = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = token });
                // Refused is fine (the revocation came first); a 5xx is not.
                Assert.True(refresh.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized, $"refresh answered {(int)refresh.StatusCode}");
                return refresh.IsSuccessStatusCode ? await refresh.JsonAsync() : (JsonElement?)null;
            }));
            var sessionTasks = logins.Select(t => t.ContinueWith(l => (JsonElement?)l.Result, TaskScheduler.Default)).Concat(refreshes).ToList();
            var revoke = Task.Run(async () =>
            {
                start.SignalAndWait(Patience);
                // Into the middle of the logins' password checks, where they read roles and write sessions.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, 150)));
                using var response = await fixture.Api.SendAsync(HttpMethod.Delete, $"/api/admin/users/{carol.Id}/roles/admin", token: bob.Token);
                return response.StatusCode;
            });

            Assert.Equal(HttpStatusCode.OK, await revoke);
            var answers = (await Task.WhenAll(sessionTasks)).Where(a => a is not null).Select(a => a!.Value).ToList();
            await AssertNoLiveSessionCarriesOldRolesAsync(answers, round);
        }
    }

    /// <summary>
    /// Each answer's refresh token: refused if the answer named admin (a role the user no longer holds), and if
    /// accepted, the next answer names the roles as they are now.
    /// </summary>
    private async Task AssertNoLiveSessionCarriesOldRolesAsync(IReadOnlyList<JsonElement> answers, int round)
    {
        foreach (var answer in answers)
        {
            var roles = Roles(answer);
            using var refresh = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/refresh", new { refresh_token = answer.GetProperty("refresh_token").GetString() });
            if (roles.Contains("admin"))
            {
                Assert.True(refresh.StatusCode == HttpStatusCode.Unauthorized,
                    $"round {round}: a session signed in as [{string.Join(",", roles)}] still refreshes after the revocation");
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
                Assert.Equal(["user"], Roles(await refresh.JsonAsync()));
            }
        }
    }

    private async Task<JsonElement> LoginAsync(Account account)
    {
        using var login = await fixture.Api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = account.Email, password = account.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return await login.JsonAsync();
    }

    private static List<string> Roles(JsonElement answer) =>
        [.. answer.GetProperty("user").GetProperty("roles").EnumerateArray().Select(r => r.GetString()!)];

    private static Task<long> BlockedByAsync(NpgsqlConnection observer, int pid) =>
        observer.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))", pid);

    private static Task<long> WaitingForAdvisoryLocksAsync(NpgsqlConnection observer) =>
        observer.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");

    /// <summary>Polls <paramref name="condition"/>; fails if <paramref name="mustNotFinish"/> finishes first or the patience runs out.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Task? mustNotFinish, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (mustNotFinish is { IsCompleted: true })
            {
                Assert.Fail($"finished while waiting for {what}");
            }
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}
