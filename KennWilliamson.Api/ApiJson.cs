using System.Text.Json;
using System.Text.Json.Serialization;
using KennWilliamson.Api.Admin;
using KennWilliamson.Api.Accounts;
using KennWilliamson.Api.Health;
using KennWilliamson.Api.IncidentTimers;

namespace KennWilliamson.Api;

/// <summary>
/// Compile-time JSON metadata for every request and response body: no reflection on the request path,
/// and the first request of a kind does not pay for building serializers. A new contract type belongs
/// here too; one that is missing still works through the reflection resolver behind this one in the
/// chain (Program.cs), only slower. The options mirror Program.cs: snake_case, web defaults.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(RefreshRequest))]
[JsonSerializable(typeof(PreviewSlugRequest))]
[JsonSerializable(typeof(AuthResponse))]
[JsonSerializable(typeof(SlugPreviewResponse))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(TimerRequest))]
[JsonSerializable(typeof(TimerResponse))]
[JsonSerializable(typeof(List<TimerResponse>))]
[JsonSerializable(typeof(PublicTimerResponse))]
[JsonSerializable(typeof(UserPage))]
[JsonSerializable(typeof(AuditEventPage))]
[JsonSerializable(typeof(List<SlowQuery>))]
[JsonSerializable(typeof(ServiceHealth))]
[JsonSerializable(typeof(DatabaseHealth))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
