using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace KennWilliamson.Tests.Api;

/// <summary>A registered user as the API returned it, with their tokens.</summary>
public sealed record Account(string Token, string RefreshToken, JsonElement User, string Email, string Password)
{
    public string Id => User.GetProperty("id").GetString()!;
    public string Slug => User.GetProperty("slug").GetString()!;
}

/// <summary>Thin helpers over the API's HTTP contract; every call has a timeout.</summary>
public static class ApiClient
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    public const string Password = "CorrectHorse9";
    private const long LargeBody = 65_536;

    public static string UniqueEmail(string prefix = "user") => $"{prefix}.{Guid.NewGuid():N}@example.com";

    /// <summary>
    /// Sends a request as coming from <paramref name="clientAddress"/> (X-Forwarded-For, which the API
    /// trusts from its loopback proxy), by default a random documentation address: the per-address rate
    /// limits then count each test's requests apart. <paramref name="body"/>: an object (sent as JSON), a
    /// string (sent as JSON text as it is) or ready <see cref="HttpContent"/>.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(this HttpClient http, HttpMethod method, string path, object? body = null,
        string? token = null, string? clientAddress = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", clientAddress ?? RandomClientAddress());
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (body is HttpContent content)
        {
            request.Content = content;
        }
        else if (body is string raw)
        {
            request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        // A large body waits for the server's go-ahead (Expect: 100-continue), as a careful client's upload
        // does: a 413 then comes before the body is sent, not as a broken pipe while it is being sent.
        request.Headers.ExpectContinue = request.Content?.Headers.ContentLength > LargeBody ? true : null;
        return await http.SendAsync(request).WaitAsync(Timeout);
    }

    public static string RandomClientAddress() =>
        $"198.51.{System.Security.Cryptography.RandomNumberGenerator.GetInt32(0, 256)}.{System.Security.Cryptography.RandomNumberGenerator.GetInt32(1, 255)}";

    public static async Task<Account> RegisterAsync(this HttpClient http, string? displayName = null, string? email = null, string password = Password)
    {
        email ??= UniqueEmail();
        using var response = await http.SendAsync(HttpMethod.Post, "/api/auth/register",
            new Dictionary<string, string> { ["email"] = email, ["password"] = password, ["display_name"] = displayName ?? "User " + Guid.NewGuid().ToString("N")[..8] });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        return new Account(body.GetProperty("token").GetString()!, body.GetProperty("refresh_token").GetString()!, body.GetProperty("user"), email, password);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);

    /// <summary>Asserts an RFC 9457 problem body with the original backend's <c>error</c> member.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? error = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.JsonAsync();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        var message = body.GetProperty("error").GetString();
        Assert.False(string.IsNullOrWhiteSpace(message));
        if (error is not null)
        {
            Assert.Equal(error, message);
        }
        return body;
    }

    public static IEnumerable<string> PropertyNames(this JsonElement element) => element.EnumerateObject().Select(p => p.Name);
}
