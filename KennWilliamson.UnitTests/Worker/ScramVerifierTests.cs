using System.Security.Cryptography;
using System.Text;
using CsCheck;
using KennWilliamson.MigrationService;

namespace KennWilliamson.UnitTests.Worker;

/// <summary>The SCRAM-SHA-256 verifier the worker sends instead of the API role's password (RFC 5802, RFC 7677).</summary>
[Trait("Category", "Unit")]
public sealed class ScramVerifierTests
{
    /// <summary>RFC 7677, section 3: user "user", password "pencil", 4096 iterations.</summary>
    private const string Salt = "W22ZaJ0SNY7soEsUEjb6gQ==";
    private const string ClientFirstBare = "n=user,r=rOprNGfwEbeRWgbNEkqO";
    private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string ClientFinalWithoutProof = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private const string ClientProof = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string ServerSignature = "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static (int Iterations, byte[] Salt, byte[] StoredKey, byte[] ServerKey) Parse(string verifier)
    {
        // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>, as PostgreSQL stores it.
        var parts = verifier.Split('$');
        Assert.Equal(3, parts.Length);
        Assert.Equal("SCRAM-SHA-256", parts[0]);
        var (head, keys) = (parts[1].Split(':'), parts[2].Split(':'));
        return (int.Parse(head[0], System.Globalization.CultureInfo.InvariantCulture), Convert.FromBase64String(head[1]),
            Convert.FromBase64String(keys[0]), Convert.FromBase64String(keys[1]));
    }

    [Fact]
    public void The_verifier_of_the_rfc_7677_vector_accepts_its_client_proof_and_yields_its_server_signature()
    {
        var (iterations, salt, storedKey, serverKey) = Parse(ScramVerifier.Create("pencil", Convert.FromBase64String(Salt)));
        var authMessage = Encoding.UTF8.GetBytes($"{ClientFirstBare},{ServerFirst},{ClientFinalWithoutProof}");

        Assert.Equal(4096, iterations);
        Assert.Equal(Salt, Convert.ToBase64String(salt));
        // What the server does with a stored verifier: recover ClientKey from the proof and check it hashes to StoredKey.
        var clientSignature = HMACSHA256.HashData(storedKey, authMessage);
        var clientKey = Convert.FromBase64String(ClientProof).Zip(clientSignature, (p, s) => (byte)(p ^ s)).ToArray();
        Assert.Equal(storedKey, SHA256.HashData(clientKey));
        Assert.Equal(ServerSignature, Convert.ToBase64String(HMACSHA256.HashData(serverKey, authMessage)));
    }

    [Fact]
    public void A_wrong_password_gives_a_verifier_that_refuses_the_rfc_proof()
    {
        var (_, _, storedKey, _) = Parse(ScramVerifier.Create("pencil2", Convert.FromBase64String(Salt)));
        var authMessage = Encoding.UTF8.GetBytes($"{ClientFirstBare},{ServerFirst},{ClientFinalWithoutProof}");
        var clientKey = Convert.FromBase64String(ClientProof).Zip(HMACSHA256.HashData(storedKey, authMessage), (p, s) => (byte)(p ^ s)).ToArray();
        Assert.NotEqual(storedKey, SHA256.HashData(clientKey));
    }

    [Fact]
    public void Each_verifier_has_a_fresh_16_byte_salt_and_never_contains_the_password() =>
        Gen.String[12, 40].Sample(password =>
        {
            var first = ScramVerifier.Create(password);
            var second = ScramVerifier.Create(password);
            Assert.NotEqual(first, second);
            Assert.Equal(16, Parse(first).Salt.Length);
            Assert.DoesNotContain(password, first.Split('$', 2)[1], StringComparison.Ordinal);
        }, iter: 50);

    [Fact]
    public void A_non_ascii_password_is_normalized_as_saslprep_does_for_compatibility_forms()
    {
        var salt = Convert.FromBase64String(Salt);
        // U+FB01 (the "fi" ligature) and "fi" are one password after NFKC, as PostgreSQL's SASLprep makes them.
        Assert.Equal(ScramVerifier.Create("\uFB01le", salt), ScramVerifier.Create("file", salt));
        Assert.NotEqual(ScramVerifier.Create("File", salt), ScramVerifier.Create("file", salt));
    }
}
