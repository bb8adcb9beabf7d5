using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using KennWilliamson.Api.Accounts;
using KennWilliamson.Api.Infrastructure;
using KennWilliamson.Data.Entities;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KennWilliamson.UnitTests.Api;

/// <summary>Access tokens as the API issues and checks them, with a clock the test moves.</summary>
[Trait("Category", "Unit")]
public sealed class TokenServiceTests
{
    private static readonly JwtOptions Options = new() { SigningKey = new string('k', 32), AccessTokenLifetime = TimeSpan.FromMinutes(15) };
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    private static readonly User Someone = new() { Id = Guid.CreateVersion7(), Email = "someone@example.com", DisplayName = "Someone", Slug = "someone", PasswordHash = "x" };

    private async Task<TokenValidationResult> ValidateAsync(string token, JwtOptions? options = null)
    {
        var parameters = TokenService.ValidationParameters(options ?? Options);
        // The handler checks lifetimes against the real clock: hand it the fake one.
        parameters.LifetimeValidator = (notBefore, expires, _, p) =>
            (notBefore is null || notBefore <= _clock.GetUtcNow().UtcDateTime + p.ClockSkew)
            && expires is { } e && e > _clock.GetUtcNow().UtcDateTime - p.ClockSkew;
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
    }

    [Fact]
    public async Task A_token_names_its_user_email_and_roles_and_is_valid_for_its_lifetime()
    {
        var token = new TokenService(Microsoft.Extensions.Options.Options.Create(Options), _clock).CreateAccessToken(Someone, ["user", "admin"]);
        var result = await ValidateAsync(token);
        Assert.True(result.IsValid, result.Exception?.Message);
        var principal = new ClaimsPrincipal(result.ClaimsIdentity);
        Assert.Equal(Someone.Id, CurrentUser.IdOf(principal));
        Assert.Equal("someone@example.com", principal.FindFirstValue(JwtRegisteredClaimNames.Email));
        Assert.True(principal.IsInRole("admin") && principal.IsInRole("user"));
        var jwt = new JsonWebToken(token);
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal(_clock.GetUtcNow().AddMinutes(15).UtcDateTime, jwt.ValidTo);
    }

    [Fact]
    public async Task A_token_expires_after_its_lifetime_plus_the_allowed_skew()
    {
        var token = new TokenService(Microsoft.Extensions.Options.Options.Create(Options), _clock).CreateAccessToken(Someone, ["user"]);
        _clock.Advance(TimeSpan.FromMinutes(15) + Options.ClockSkew - TimeSpan.FromSeconds(1));
        Assert.True((await ValidateAsync(token)).IsValid);
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False((await ValidateAsync(token)).IsValid);
    }

    [Fact]
    public async Task Another_key_issuer_or_audience_refuses_the_token()
    {
        var token = new TokenService(Microsoft.Extensions.Options.Options.Create(Options), _clock).CreateAccessToken(Someone, ["user"]);
        Assert.False((await ValidateAsync(token, new JwtOptions { SigningKey = new string('x', 32) })).IsValid);
        Assert.False((await ValidateAsync(token, new JwtOptions { SigningKey = Options.SigningKey, Issuer = "someone-else" })).IsValid);
        Assert.False((await ValidateAsync(token, new JwtOptions { SigningKey = Options.SigningKey, Audience = "someone-else" })).IsValid);
    }

    [Fact]
    public async Task An_unsigned_token_or_one_without_an_expiry_is_refused()
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = Someone.Id.ToString() };
        var unsigned = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Options.Issuer, Audience = Options.Audience, Claims = claims, Expires = DateTime.UtcNow.AddMinutes(5),
        });
        var endless = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Options.Issuer, Audience = Options.Audience, Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Options.KeyBytes), SecurityAlgorithms.HmacSha256),
        });

        foreach (var token in new[] { unsigned, endless })
        {
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, TokenService.ValidationParameters(Options));
            Assert.False(result.IsValid, token);
        }
    }

    [Fact]
    public void A_principal_without_a_uuid_subject_has_no_user_id()
    {
        Assert.Null(CurrentUser.IdOf(new ClaimsPrincipal(new ClaimsIdentity())));
        Assert.Null(CurrentUser.IdOf(new ClaimsPrincipal(new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, "admin")]))));
    }

    [Fact]
    public void Refresh_tokens_are_random_256_bit_url_safe_strings_stored_only_as_their_hash()
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => TokenService.NewRefreshToken()).ToList();
        Assert.Equal(100, tokens.Select(t => t.Token).Distinct(StringComparer.Ordinal).Count());
        Assert.All(tokens, t =>
        {
            Assert.Equal(32, Base64UrlEncoder.DecodeBytes(t.Token).Length);
            Assert.Matches("^[A-Za-z0-9_-]+$", t.Token);
            Assert.Equal(t.Hash, TokenService.HashRefreshToken(t.Token));
            Assert.Equal(32, t.Hash.Length);
        });
    }

    [Theory]
    [InlineData(31, false)]
    [InlineData(32, true)]
    [InlineData(64, true)]
    public void The_signing_key_must_be_at_least_256_bits(int bytes, bool valid)
    {
        var options = new JwtOptions { SigningKey = new string('k', bytes) };
        var results = new List<ValidationResult>();
        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        if (!valid)
        {
            Assert.Contains("Jwt:SigningKey must be at least 256 bits", Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_multibyte_key_counts_its_utf8_bytes()
    {
        var options = new JwtOptions { SigningKey = new string('é', 16) }; // 32 bytes in UTF-8
        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }

    [Theory]
    [InlineData("00:00:09", false)]
    [InlineData("00:00:10", true)]
    [InlineData("1.00:00:00", true)]
    [InlineData("1.00:00:01", false)]
    public void The_access_token_lifetime_is_between_ten_seconds_and_a_day(string lifetime, bool valid)
    {
        var options = new JwtOptions { SigningKey = new string('k', 32), AccessTokenLifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture) };
        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }
}
