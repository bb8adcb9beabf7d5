using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KennWilliamson.Data.Security;

/// <summary>
/// PBKDF2-HMAC-SHA256 at OWASP's 600,000 iterations; here so the worker's seed data and the API hash alike.
/// The iteration count is in every hash, so raising it keeps old hashes verifiable.
/// </summary>
public static class PasswordHasher
{
    public const int Iterations = 600_000;
    private const string Prefix = "$pbkdf2-sha256$";
    private const int SaltBytes = 16;
    private const int KeyBytes = 32;

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, KeyBytes);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}i={Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(key)}");
    }

    /// <summary>Also verifies the original backend's bcrypt hashes, which always need a rehash.</summary>
    public static bool Verify(string password, string stored)
    {
        if (IsBcrypt(stored))
        {
            try
            {
                return BCrypt.Net.BCrypt.Verify(password, stored);
            }
            catch (BCrypt.Net.SaltParseException)
            {
                return false;
            }
        }
        if (!TryParse(stored, out var iterations, out var salt, out var expected))
        {
            return false;
        }
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    public static bool NeedsRehash(string stored) =>
        !TryParse(stored, out var iterations, out _, out _) || iterations < Iterations;

    private static bool IsBcrypt(string stored) =>
        stored.StartsWith("$2a$", StringComparison.Ordinal) || stored.StartsWith("$2b$", StringComparison.Ordinal)
        || stored.StartsWith("$2y$", StringComparison.Ordinal);

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] key)
    {
        iterations = 0;
        salt = key = [];
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var parts = stored[Prefix.Length..].Split('$');
        if (parts.Length != 3 || !parts[0].StartsWith("i=", StringComparison.Ordinal)
            || !int.TryParse(parts[0].AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || iterations <= 0)
        {
            return false;
        }
        try
        {
            salt = Convert.FromBase64String(parts[1]);
            key = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length > 0 && key.Length > 0;
    }
}
