using System.Net;
using System.Net.Sockets;
using CsCheck;
using KennWilliamson.Api.Infrastructure;

namespace KennWilliamson.UnitTests.Api;

/// <summary>
/// The per-address limits' key, one per subscriber: an IPv4 address is itself, a native IPv6 address its /48, and
/// an IPv6 address carrying an IPv4 client (mapped, 6to4, Teredo, NAT64) that IPv4 address.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ClientPartitionTests
{
    /// <summary>A /48 of native IPv6: none of the prefixes that carry an IPv4 address (nor ::/48, which holds the mapped ones).</summary>
    private static readonly Gen<byte[]> NativePrefix = Gen.Byte.Array[6].Where(p => !CarriesIPv4(p));
    private static readonly Gen<byte[]> Rest = Gen.Byte.Array[10];
    private static readonly Gen<byte[]> V4 = Gen.Byte.Array[4];
    private static readonly Gen<long> ScopeId = Gen.OneOf(Gen.Const(0L), Gen.Long[1, uint.MaxValue]);

    private static bool CarriesIPv4(byte[] prefix) =>
        prefix.All(b => b == 0)
        || prefix is [0x20, 0x02, ..]
        || prefix is [0x20, 0x01, 0x00, 0x00, ..]
        || prefix is [0x00, 0x64, 0xff, 0x9b, 0x00, 0x00];

    private static IPAddress V6(byte[] prefix, byte[] rest, long scope = 0) => new([.. prefix, .. rest], scope);

    private static string Key(string address) => ClientPartition.Of(IPAddress.Parse(address));

    [Fact]
    public void Any_two_addresses_of_one_slash_48_share_a_key_whatever_their_slash_56_or_slash_64() =>
        Gen.Select(NativePrefix, Rest, Rest, ScopeId).Sample((prefix, a, b, scope) =>
            ClientPartition.Of(V6(prefix, a)) == ClientPartition.Of(V6(prefix, b, scope)));

    [Fact]
    public void Addresses_of_different_slash_48s_never_share_a_key() =>
        Gen.Select(NativePrefix, NativePrefix, Rest, Rest).Where((p, q, _, _) => !p.SequenceEqual(q)).Sample((p, q, a, b) =>
            ClientPartition.Of(V6(p, a)) != ClientPartition.Of(V6(q, b)));

    [Fact]
    public void An_ipv4_mapped_address_is_its_ipv4_address_and_distinct_ipv4_addresses_stay_apart() =>
        Gen.Select(V4, V4).Sample((a, b) =>
        {
            var v4 = new IPAddress(a);
            var same = ClientPartition.Of(v4) == ClientPartition.Of(v4.MapToIPv6()) && ClientPartition.Of(v4) == v4.ToString();
            return same && (a.SequenceEqual(b) || ClientPartition.Of(v4) != ClientPartition.Of(new IPAddress(b)));
        });

    /// <summary>2002:aabb:ccdd::/48 is reached through a.b.c.d: every address in it is that client, whatever the rest says.</summary>
    [Fact]
    public void A_6to4_address_spends_the_budget_of_the_ipv4_address_it_embeds() =>
        Gen.Select(V4, Gen.Byte.Array[10]).Sample((v4, rest) =>
            ClientPartition.Of(new IPAddress([0x20, 0x02, .. v4, .. rest])) == ClientPartition.Of(new IPAddress(v4)));

    /// <summary>2001:0:server:flags:port:client, the port and client inverted: the client's public IPv4 address decides, not the server, flags or port.</summary>
    [Fact]
    public void A_teredo_address_spends_the_budget_of_its_clients_public_ipv4_address() =>
        Gen.Select(V4, Gen.Byte.Array[4], V4).Sample((server, flagsAndPort, client) =>
            ClientPartition.Of(new IPAddress([0x20, 0x01, 0x00, 0x00, .. server, .. flagsAndPort, .. client.Select(b => (byte)~b)]))
                == ClientPartition.Of(new IPAddress(client)));

    [Fact]
    public void A_nat64_address_spends_the_budget_of_the_ipv4_address_it_embeds() =>
        V4.Sample(v4 =>
            ClientPartition.Of(new IPAddress([0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, .. v4])) == ClientPartition.Of(new IPAddress(v4)));

    [Fact]
    public void No_ipv4_key_equals_an_ipv6_key() =>
        Gen.Select(V4, NativePrefix, Rest).Sample((v4, prefix, rest) =>
            ClientPartition.Of(new IPAddress(v4)) != ClientPartition.Of(V6(prefix, rest)));

    /// <summary>Any 16 bytes a peer could present: a key, never an exception, either an IPv4 address or a /48 with nothing after it.</summary>
    [Fact]
    public void Every_ipv6_address_is_keyed_as_an_ipv4_address_or_as_a_bare_slash_48() =>
        Gen.Select(Gen.Byte.Array[16], ScopeId).Sample((bytes, scope) =>
        {
            var key = ClientPartition.Of(new IPAddress(bytes, scope));
            if (!key.EndsWith("/48", StringComparison.Ordinal))
            {
                return IPAddress.TryParse(key, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork;
            }
            var prefix = IPAddress.Parse(key[..^3]).GetAddressBytes();
            return prefix.AsSpan(0, 6).SequenceEqual(bytes.AsSpan(0, 6)) && prefix.AsSpan(6).IndexOfAnyExcept((byte)0) < 0;
        });

    [Theory]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1::/48")]
    [InlineData("2001:db8:1:ff00::1", "2001:db8:1::/48")]
    [InlineData("2001:db8:1::", "2001:db8:1::/48")]
    [InlineData("fe80::1%7", "fe80::/48")]
    [InlineData("::1", "::/48")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    [InlineData("198.51.100.7", "198.51.100.7")]
    // Two 6to4 addresses of 198.51.100.77, and that address itself.
    [InlineData("2002:c633:644d:1::1", "198.51.100.77")]
    [InlineData("2002:c633:644d:2::1", "198.51.100.77")]
    // RFC 4380's example: server 65.54.227.120, client 192.0.2.45 on port 40000.
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", "192.0.2.45")]
    [InlineData("64:ff9b::198.51.100.7", "198.51.100.7")]
    // Only NAT64's /96 embeds an address; the rest of its /48 is keyed like any other /48.
    [InlineData("64:ff9b:0:1::198.51.100.7", "64:ff9b::/48")]
    public void Keys_read_as_the_ipv4_address_or_the_slash_48(string address, string key) =>
        Assert.Equal(key, Key(address));

    /// <summary>One byte off each prefix that embeds an IPv4 address: an ordinary /48, not an IPv4 client.</summary>
    [Theory]
    [InlineData("2001:db8::ffff:198.51.100.7", "2001:db8::/48")]
    [InlineData("100::ffff:198.51.100.7", "100::/48")]
    [InlineData("3001:0:4136:e378:8000:63bf:3fff:fdd2", "3001:0:4136::/48")]
    [InlineData("164:ff9b::198.51.100.7", "164:ff9b::/48")]
    [InlineData("1:9b::198.51.100.7", "1:9b::/48")]
    [InlineData("0:ff9b::198.51.100.7", "0:ff9b::/48")]
    [InlineData("64:ff9b:100::198.51.100.7", "64:ff9b:100::/48")]
    public void A_near_miss_of_an_embedding_prefix_is_an_ordinary_slash_48(string address, string key) =>
        Assert.Equal(key, Key(address));

    [Fact]
    public void No_address_is_one_key_of_its_own() => Assert.Equal("", ClientPartition.Of(null));
}
