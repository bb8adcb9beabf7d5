using System.Net;
using CsCheck;
using KennWilliamson.Api.Infrastructure;

namespace KennWilliamson.UnitTests.Api;

/// <summary>The per-address limits' key: an IPv4 address is itself, an IPv6 address its /64, a mapped IPv4 address its IPv4.</summary>
[Trait("Category", "Unit")]
public sealed class ClientPartitionTests
{
    // A /64 other than ::/64, which holds the IPv4-mapped addresses (keyed as IPv4 on purpose).
    private static readonly Gen<byte[]> Prefix = Gen.Byte.Array[8].Where(p => p.Any(b => b != 0));
    private static readonly Gen<byte[]> InterfaceId = Gen.Byte.Array[8];
    private static readonly Gen<long> ScopeId = Gen.OneOf(Gen.Const(0L), Gen.Long[1, uint.MaxValue]);

    private static IPAddress V6(byte[] prefix, byte[] interfaceId, long scope = 0) => new([.. prefix, .. interfaceId], scope);

    [Fact]
    public void Any_two_addresses_of_one_slash_64_share_a_key() =>
        Gen.Select(Prefix, InterfaceId, InterfaceId, ScopeId).Sample((prefix, a, b, scope) =>
            ClientPartition.Of(V6(prefix, a)) == ClientPartition.Of(V6(prefix, b, scope)));

    [Fact]
    public void Addresses_of_different_slash_64s_never_share_a_key() =>
        Gen.Select(Prefix, Prefix, InterfaceId, InterfaceId).Where((p, q, _, _) => !p.SequenceEqual(q)).Sample((p, q, a, b) =>
            ClientPartition.Of(V6(p, a)) != ClientPartition.Of(V6(q, b)));

    [Fact]
    public void An_ipv4_mapped_address_is_its_ipv4_address_and_distinct_ipv4_addresses_stay_apart() =>
        Gen.Select(Gen.Byte.Array[4], Gen.Byte.Array[4]).Sample((a, b) =>
        {
            var v4 = new IPAddress(a);
            var same = ClientPartition.Of(v4) == ClientPartition.Of(v4.MapToIPv6()) && ClientPartition.Of(v4) == v4.ToString();
            return same && (a.SequenceEqual(b) || ClientPartition.Of(v4) != ClientPartition.Of(new IPAddress(b)));
        });

    [Fact]
    public void No_ipv4_key_equals_an_ipv6_key() =>
        Gen.Select(Gen.Byte.Array[4], Prefix, InterfaceId).Sample((v4, prefix, id) =>
            ClientPartition.Of(new IPAddress(v4)) != ClientPartition.Of(V6(prefix, id)));

    [Theory]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::", "2001:db8:1:2::/64")]
    [InlineData("fe80::1%7", "fe80::/64")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    [InlineData("198.51.100.7", "198.51.100.7")]
    [InlineData("::1", "::/64")]
    public void Keys_read_as_the_address_or_the_slash_64(string address, string key) =>
        Assert.Equal(key, ClientPartition.Of(IPAddress.Parse(address)));

    [Fact]
    public void No_address_is_one_key_of_its_own() => Assert.Equal("", ClientPartition.Of(null));
}
