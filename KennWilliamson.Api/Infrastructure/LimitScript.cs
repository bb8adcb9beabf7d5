using StackExchange.Redis;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// The sliding window every replica shares, as one Lua script: Redis runs a script alone, so the read, the shift and
/// the write of a key are atomic, on the Redis server's clock. A key holds the newest segment's start (ms) and the
/// segments' counts, MessagePack-encoded (cheaper for the server than text), and
/// expires a window after its last use, so nothing needs purging.
/// </summary>
public static class LimitScript
{
    /// <summary>
    /// KEYS[1]: the budget. ARGV: window (ms), segments, limit, take (negative gives back, newest segment first).
    /// Returns {1} when the permits were granted, else {0, segment start, now, counts…} for the wait.
    /// </summary>
    public static readonly LuaScript Take = LuaScript.Prepare("""
        local window, n, limit, take = tonumber(@window), tonumber(@segments), tonumber(@limit), tonumber(@take)
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local width = math.floor(window / n)
        local current = now - now % width
        local counts = {}
        for i = 1, n do counts[i] = 0 end
        local stored = redis.call('GET', @key)
        if stored then
            -- Anything but what this script writes (a half-written upgrade, a stray value) starts the window afresh.
            local ok, values = pcall(function() return {cmsgpack.unpack(stored)} end)
            local steps = ok and #values == n + 1 and type(values[1]) == 'number' and (current - values[1]) / width or -1
            if steps >= 0 and steps < n and steps == math.floor(steps) then
                for i = 1, n - steps do counts[i] = tonumber(values[i + 1 + steps]) or 0 end
            end
        end
        local used = 0
        for i = 1, n do used = used + counts[i] end
        local granted = take <= 0 or used + take <= limit
        if take < 0 then
            local left = -take
            for i = n, 1, -1 do
                local back = math.min(left, counts[i])
                counts[i] = counts[i] - back
                left = left - back
            end
        elseif granted then
            counts[n] = counts[n] + take
        end
        redis.call('SET', @key, cmsgpack.pack(current, unpack(counts)), 'PX', window)
        if granted then return {1} end
        local reply = {0, current, now}
        for i = 1, n do reply[i + 3] = counts[i] end
        return reply
        """);
}
