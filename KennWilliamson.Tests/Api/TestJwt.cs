using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace KennWilliamson.Tests.Api;

/// <summary>Hand-made JWTs for attacks on the API: expired, re-signed with another key, unsigned, tampered.</summary>
public static class TestJwt
{
    public static string Encode(object header, object payload, byte[]? key) =>
        Encode(header, payload, key is null ? null : data => HMACSHA256.HashData(key, data));

    /// <summary>Signed by <paramref name="sign"/> over the ASCII of header.payload; unsigned when it is null.</summary>
    public static string Encode(object header, object payload, Func<byte[], byte[]>? sign)
    {
        var unsigned = $"{Base64Url(JsonSerializer.SerializeToUtf8Bytes(header))}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(payload))}";
        var signature = sign is null ? "" : Base64Url(sign(Encoding.ASCII.GetBytes(unsigned)));
        return $"{unsigned}.{signature}";
    }

    public static Dictionary<string, object> Payload(string token) =>
        JsonSerializer.Deserialize<Dictionary<string, object>>(FromBase64Url(token.Split('.')[1]))!;

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}
