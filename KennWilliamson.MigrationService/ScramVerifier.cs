using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KennWilliamson.MigrationService;

/// <summary>The SCRAM-SHA-256 verifier (RFC 5802/7677), so the server never receives the plaintext.</summary>
internal static class ScramVerifier
{
    private const int Iterations = 4096; // PostgreSQL's scram_iterations default

    public static string Create(string password) => Create(password, RandomNumberGenerator.GetBytes(16));

    /// <summary>The verifier for a given salt: what the RFC's test vector pins down.</summary>
    internal static string Create(string password, byte[] salt)
    {
        var salted = Rfc2898DeriveBytes.Pbkdf2(Normalize(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return string.Create(CultureInfo.InvariantCulture,
            $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}");
    }

    /// <summary>SASLprep's common case; ASCII is unchanged.</summary>
    private static byte[] Normalize(string password) => Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC));
}
