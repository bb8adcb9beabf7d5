using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KennWilliamson.Api.Accounts;

/// <summary>When refresh tokens that can no longer be used are deleted (<c>RefreshTokens:PurgeAfter</c>, <c>:PurgeInterval</c>).</summary>
public sealed class RefreshTokenPurgeOptions : IValidatableObject
{
    public const string Section = "RefreshTokens";
    public static readonly TimeSpan MaxPurgeAfter = TimeSpan.FromDays(3650);
    public static readonly TimeSpan MinInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);

    /// <summary>How long an expired or revoked token is kept after it expired or was revoked.</summary>
    public TimeSpan PurgeAfter { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the API purges (also once at start).</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A negative age would reach into the future: every live token would go.
        if (PurgeAfter < TimeSpan.Zero || PurgeAfter > MaxPurgeAfter)
        {
            yield return new ValidationResult($"{Section}:PurgeAfter must be from {TimeSpan.Zero:c} to {MaxPurgeAfter:c} (it is {PurgeAfter:c}).", [nameof(PurgeAfter)]);
        }
        if (PurgeInterval < MinInterval || PurgeInterval > MaxInterval)
        {
            yield return new ValidationResult($"{Section}:PurgeInterval must be from {MinInterval:c} to {MaxInterval:c} (it is {PurgeInterval:c}).", [nameof(PurgeInterval)]);
        }
    }
}

/// <summary>
/// Deletes the refresh tokens that serve nothing any more, so <c>refresh_tokens</c> stops growing with every
/// sign-in: those expired more than <see cref="RefreshTokenPurgeOptions.PurgeAfter"/> ago, and those revoked
/// that long ago and never spent. A spent token is kept until it has been expired that long, whether or not
/// its family was revoked: presenting it again is how reuse is detected. An unspent revoked token is refused
/// exactly like an unknown one, so deleting it changes no answer.
/// </summary>
public sealed class RefreshTokenPurge(NpgsqlDataSource database, IOptions<RefreshTokenPurgeOptions> options)
{
    /// <summary>Rows per statement: each batch is a short transaction, so a first purge of a large table never holds many row locks at once.</summary>
    public const int BatchSize = 10_000;

    /// <summary>Purges as of <paramref name="now"/>; returns how many tokens went.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now - options.Value.PurgeAfter;
        var purged = 0;
        while (true)
        {
            var statement = AccountSql.RefreshTokenPurge;
            await using var command = statement.CreateCommand(database, statement.Argument(0, cutoff), statement.Argument(1, BatchSize));
            var deleted = await command.ExecuteNonQueryAsync(ct);
            purged += deleted;
            if (deleted < BatchSize)
            {
                return purged;
            }
        }
    }
}
