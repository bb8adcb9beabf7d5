using KennWilliamson.Api.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace KennWilliamson.Api.Accounts;

/// <summary>
/// The failed-login budget of an email that every replica shares. A login takes a permit before the hash (so
/// attempts in flight count, as in <see cref="FailedLoginLimiter"/>), keeps it when it fails, clears the email's
/// budget when it succeeds, and gives it back when it ends neither way.
/// </summary>
public sealed class SharedLoginFailures(SharedLimits limits, IOptions<FailedLoginOptions> options)
{
    public async Task<Attempt> TryBeginAsync(string emailKey, CancellationToken ct)
    {
        if (!limits.Enabled)
        {
            return new Attempt(null, emailKey, options.Value, null);
        }
        var key = SharedLimits.Key("failed-logins", emailKey);
        var wait = await limits.TakeAsync(key, options.Value, 1, ct);
        return new Attempt(limits, key, options.Value, wait);
    }

    public sealed class Attempt(SharedLimits? limits, string key, IWindowLimit limit, TimeSpan? refused) : IAsyncDisposable
    {
        private bool _settled = limits is null || refused is not null;

        /// <summary>How long to wait when the budget was spent; null when this attempt holds a permit.</summary>
        public TimeSpan? RetryAfter => refused;

        public void Failed() => _settled = true;

        public async Task SucceededAsync(CancellationToken ct)
        {
            if (!_settled)
            {
                await limits!.ResetAsync(key, ct);
                _settled = true;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_settled)
            {
                return;
            }
            _settled = true;
            try
            {
                await limits!.TakeAsync(key, limit, -1, CancellationToken.None);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Redis is away: the permit stays spent until its window ends.
            }
        }
    }
}
