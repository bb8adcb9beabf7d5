using System.ComponentModel.DataAnnotations;
using System.Text;

namespace KennWilliamson.Api.Accounts;

/// <summary>Token settings. <see cref="SigningKey"/> comes from the AppHost's secret parameter <c>jwt-signing-key</c>.</summary>
public sealed class JwtOptions : IValidatableObject
{
    public const string Section = "Jwt";
    public const int MinimumKeyBits = 256;

    public string SigningKey { get; set; } = "";
    public string Issuer { get; set; } = "kennwilliamson-api";
    public string Audience { get; set; } = "kennwilliamson-web";

    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public byte[] KeyBytes => Encoding.UTF8.GetBytes(SigningKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Encoding.UTF8.GetByteCount(SigningKey) * 8 < MinimumKeyBits)
        {
            yield return new ValidationResult(
                $"Jwt:SigningKey must be at least {MinimumKeyBits} bits ({MinimumKeyBits / 8} bytes); the AppHost's jwt-signing-key parameter supplies one.",
                [nameof(SigningKey)]);
        }
    }
}
