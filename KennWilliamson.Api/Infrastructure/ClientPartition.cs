using System.Net;
using System.Net.Sockets;

namespace KennWilliamson.Api.Infrastructure;

/// <summary>
/// Whose budget a request spends in the per-address limits. An IPv4 client is its address. An IPv6 client
/// is its /64: one subscriber is handed at least a /64 (RFC 6177), so keying on the whole address would give
/// one client 2^64 budgets. An IPv4-mapped IPv6 address (::ffff:a.b.c.d, a dual-stack socket's view of an
/// IPv4 peer) is that IPv4 address.
/// </summary>
public static class ClientPartition
{
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        // The first 64 bits, the rest zero: one spelling for the whole prefix (the scope id is dropped too).
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }
}
