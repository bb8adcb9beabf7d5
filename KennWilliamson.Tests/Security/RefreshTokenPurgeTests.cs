using System.Security.Cryptography;
using KennWilliamson.Api.Accounts;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Schema;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KennWilliamson.Tests.Security;

/// <summary>
/// The API's refresh-token purge (its background job runs the same method hourly), run once here with a clock
/// of the test's choosing, as the API's own database role, against tokens the owner inserted with chosen times.
/// </summary>
[Trait(Layer.Trait, Layer.Api)]
public sealed class RefreshTokenPurgeTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    // Long before any token the other tests make, so only this test's rows can be old enough to go.
    private static readonly DateTimeOffset Now = new(2001, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Age = TimeSpan.FromDays(30);
    private static readonly DateTimeOffset Cutoff = Now - Age;
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Days = TimeSpan.FromDays(10);

    [Fact]
    public async Task One_purge_deletes_exactly_the_tokens_expired_or_revoked_unspent_longer_ago_than_the_age()
    {
        (string Name, DateTimeOffset Expires, DateTimeOffset? Used, DateTimeOffset? Revoked, bool Goes)[] tokens =
        [
            ("live", Now + Days, null, null, false),
            ("spent, unexpired (serves reuse detection)", Now + Days, Now - Second, null, false),
            ("expired within the age", Cutoff + Second, null, null, false),
            ("expired exactly the age ago", Cutoff, null, null, false),
            ("expired longer ago", Cutoff - Second, null, null, true),
            ("spent, expired within the age", Cutoff + Second, Cutoff - Days, null, false),
            ("spent, expired longer ago", Cutoff - Second, Cutoff - Days, null, true),
            ("spent, unexpired, its family revoked longer ago", Now + Days, Cutoff - Days, Cutoff - Second, false),
            ("revoked unspent within the age", Now + Days, null, Cutoff + Second, false),
            ("revoked unspent longer ago", Now + Days, null, Cutoff - Second, true),
            ("revoked unspent longer ago, expired within the age", Cutoff + Second, null, Cutoff - Days, true),
        ];
        await using var owner = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var user = await owner.InsertUserAsync();
        var names = new Dictionary<Guid, string>();
        foreach (var token in tokens)
        {
            names[await InsertAsync(owner, user, token.Expires, token.Used, token.Revoked)] = token.Name;
        }

        var purged = await PurgeAsync();

        var left = (await owner.ColumnAsync<Guid>("SELECT id FROM refresh_tokens WHERE user_id = $1", user)).Select(id => names[id]).Order();
        Assert.Equal(tokens.Where(t => !t.Goes).Select(t => t.Name).Order(), left);
        Assert.Equal(tokens.Count(t => t.Goes), purged);
        await owner.DeleteUserAsync(user);
    }

    [Fact]
    public async Task A_purge_larger_than_one_batch_takes_every_row_it_should()
    {
        await using var owner = await Connections.OpenAsync(fixture.OwnerConnectionString);
        var user = await owner.InsertUserAsync();
        var rows = RefreshTokenPurge.BatchSize + 7;
        await owner.ExecuteAsync("""
            INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
            SELECT $1, gen_random_uuid(), sha256(gen_random_uuid()::text::bytea), $2 FROM generate_series(1, $3)
            """, user, Cutoff - Days, rows);
        var live = await InsertAsync(owner, user, Now + Days, null, null);

        Assert.Equal(rows, await PurgeAsync());
        Assert.Equal([live], await owner.ColumnAsync<Guid>("SELECT id FROM refresh_tokens WHERE user_id = $1", user));
        await owner.DeleteUserAsync(user);
    }

    /// <summary>The purge as the API runs it: its own role (kennwilliamson_app), its own statement.</summary>
    private async Task<int> PurgeAsync()
    {
        await using var database = NpgsqlDataSource.Create(fixture.AppConnectionString);
        var purge = new RefreshTokenPurge(database, Options.Create(new RefreshTokenPurgeOptions { PurgeAfter = Age }));
        return await purge.PurgeAsync(Now, CancellationToken.None).WaitAsync(SchemaSql.Timeout);
    }

    private static Task<Guid> InsertAsync(NpgsqlConnection owner, Guid user, DateTimeOffset expires, DateTimeOffset? used, DateTimeOffset? revoked) =>
        owner.ScalarAsync<Guid>(
            "INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at, used_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            user, Guid.NewGuid(), RandomNumberGenerator.GetBytes(32), expires, used, revoked);
}
