using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KennWilliamson.Api.Accounts;

public sealed class RefreshTokenPurgeOptions : IValidatableObject
{
    public const string Section = "RefreshTokens";
    public static readonly TimeSpan MaxPurgeAfter = TimeSpan.FromDays(3650);
    public static readonly TimeSpan MinInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(1);

    public TimeSpan PurgeAfter { get; set; } = TimeSpan.FromDays(30);

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
/// Deletes tokens expired or revoked-unspent longer than PurgeAfter. Spent tokens stay until then, since
/// presenting one again is how reuse is detected.
/// </summary>
public sealed class RefreshTokenPurge(NpgsqlDataSource database, IOptions<RefreshTokenPurgeOptions> options)
{
    /// <summary>Each batch is a short transaction, so a first purge never holds many row locks at once.</summary>
    public const int BatchSize = 10_000;

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
