using System.Net;
using System.Net.Sockets;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// The per-address limits' key: IPv4 as is, IPv6 by /48 (one end site, RFC 6177), and an IPv6 address embedding
/// an IPv4 client (mapped, 6to4, Teredo, NAT64) as that IPv4 (docs/security.md).
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
        // One spelling for the whole prefix (the scope id is dropped too).
        bytes[(IPv6PrefixLength / 8)..].Clear();
        return $"{new IPAddress(bytes)}/{IPv6PrefixLength}";
    }

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
