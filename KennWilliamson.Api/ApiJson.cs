using System.Text.Json;
using System.Text.Json.Serialization;
using KennWilliamson.Api.Admin;
using KennWilliamson.Api.Accounts;
using KennWilliamson.Api.Health;
using KennWilliamson.Api.IncidentTimers;

namespace KennWilliamson.Api;

/// <summary>
/// Source-generated JSON for every body, so no request pays for reflection or serializer building. A type missing
/// here still works, slower, through the reflection resolver (Program.cs).
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
