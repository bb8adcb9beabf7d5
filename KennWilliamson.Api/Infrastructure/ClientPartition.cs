using System.Net;
using System.Net.Sockets;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// Whose budget a request spends in the per-address limits: one key per subscriber. An IPv4 client is its
/// address. An IPv6 client is its /48, the largest block one end site is normally given (RFC 6177: more than a
/// /64; commonly a /56 for a home, a /48 for a business): keyed any finer, one subscriber would hold up to 65,536
/// budgets. An IPv6 address that carries an IPv4 client's address is that IPv4 address, so it shares that
/// address's budget: IPv4-mapped (::ffff:a.b.c.d, a dual-stack socket's view of an IPv4 peer), 6to4
/// (2002:aabb:ccdd::/48), Teredo (2001:0::/32, the client's public address stored inverted in the last 32 bits)
/// and NAT64's well-known prefix (64:ff9b::/96, an IPv4 client seen through a translator). What sharing a /48
/// costs: docs/security.md.
/// </summary>
public static class ClientPartition
{
    public const int IPv6PrefixLength = 48;

    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        if (EmbeddedIPv4(bytes) is { } v4)
        {
            return v4.ToString();
        }
        // The first 48 bits, the rest zero: one spelling for the whole prefix (the scope id is dropped too).
        bytes[(IPv6PrefixLength / 8)..].Clear();
        return $"{new IPAddress(bytes)}/{IPv6PrefixLength}";
    }

    /// <summary>The IPv4 client an IPv6 address stands for, or null when it stands for none.</summary>
    private static IPAddress? EmbeddedIPv4(ReadOnlySpan<byte> v6)
    {
        if (v6[..10].IndexOfAnyExcept((byte)0) < 0 && v6[10] == 0xff && v6[11] == 0xff)
        {
            return new IPAddress(v6[12..]);
        }
        if (v6[0] == 0x20 && v6[1] == 0x02)
        {
            return new IPAddress(v6[2..6]);
        }
        if (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0 && v6[3] == 0)
        {
            Span<byte> client = stackalloc byte[4];
            for (var i = 0; i < 4; i++)
            {
                client[i] = (byte)~v6[12 + i];
            }
            return new IPAddress(client);
        }
        if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6[4..12].IndexOfAnyExcept((byte)0) < 0)
        {
            return new IPAddress(v6[12..]);
        }
        return null;
    }
}
