using System.Security.Cryptography;
using KennWilliamson.Data.Entities;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KennWilliamson.Api.Accounts;

public sealed class TokenService(IOptions<JwtOptions> options, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new();
    private readonly JwtOptions _options = options.Value;

    public string CreateAccessToken(User user, IReadOnlyList<string> roles)
    {
        var now = time.GetUtcNow();
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.Add(_options.AccessTokenLifetime).UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = user.Id.ToString(),
                [JwtRegisteredClaimNames.Email] = user.Email,
                ["roles"] = roles.ToArray(),
            },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(_options.KeyBytes), SecurityAlgorithms.HmacSha256),
        };
        return Handler.CreateToken(descriptor);
    }

    public static TokenValidationParameters ValidationParameters(JwtOptions options) => new()
    {
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKey = new SymmetricSecurityKey(options.KeyBytes),
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateIssuerSigningKey = true,
        ClockSkew = options.ClockSkew,
        NameClaimType = JwtRegisteredClaimNames.Sub,
        RoleClaimType = "roles",
    };

    public static (string Token, byte[] Hash) NewRefreshToken()
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (token, HashRefreshToken(token));
    }

    public static byte[] HashRefreshToken(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
}
