using System.Net.Http.Json;
using System.Text.Json;
using KennWilliamson.Tests.Api;
using KennWilliamson.Tests.Infrastructure;
using KennWilliamson.Tests.Security;

namespace KennWilliamson.Tests.Fuzz;

/// <summary>
/// What the fuzz suite aims at: the operations of the running API's OpenAPI document, a user and an admin
/// (with their tokens), and real values to mix in (the user's timers, another user's timer, user ids, slugs).
/// </summary>
public sealed record FuzzTarget(IReadOnlyList<ApiOperation> Operations, Account User, Account Admin, IReadOnlyDictionary<string, string[]> Known)
{
    public static async Task<FuzzTarget> CreateAsync(ITestApp fixture)
    {
        var document = await fixture.Api.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative)).WaitAsync(ApiClient.Timeout);
        var operations = OpenApiOperations.Read(document).Where(o => o.Path.StartsWith("/api/", StringComparison.Ordinal)).ToList();

        var user = await fixture.Api.RegisterAsync();
        var other = await fixture.Api.RegisterAsync();
        var admin = await Admins.CreateAsync(fixture);
        var timers = new List<string>();
        // A dozen of the user's own, so that the fuzzed deletes do not leave the updates nothing to find.
        foreach (var (owner, notes) in Enumerable.Range(1, 12).Select(i => (user, $"mine {i}")).Append((other, "someone else's")))
        {
            using var created = await fixture.Api.SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes }, owner.Token);
            timers.Add((await created.JsonAsync()).GetProperty("id").GetString()!);
        }
        var known = new Dictionary<string, string[]>
        {
            ["id"] = [.. timers, user.Id, other.Id, admin.Id],
            ["role"] = ["admin", "user", "editor"],
            ["user_slug"] = [user.Slug, other.Slug, admin.Slug],
            ["email"] = [user.Email, admin.Email],
            ["password"] = [user.Password],
        };
        return new FuzzTarget(operations, user, admin, known);
    }

    private readonly Dictionary<Caller, string> _tokens = new() { [Caller.User] = User.Token, [Caller.Admin] = Admin.Token };
    private DateTime _signedInAt = DateTime.UtcNow;

    public string? TokenOf(Caller caller) => _tokens.GetValueOrDefault(caller);

    /// <summary>Access tokens live 15 minutes and a long run takes longer: sign both in again after 10.</summary>
    public async Task<bool> RenewTokensIfOldAsync(HttpClient api)
    {
        if (DateTime.UtcNow - _signedInAt < TimeSpan.FromMinutes(10))
        {
            return false;
        }
        foreach (var (caller, account) in new[] { (Caller.User, User), (Caller.Admin, Admin) })
        {
            using var login = await api.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = account.Email, password = account.Password });
            _tokens[caller] = (await login.JsonAsync()).GetProperty("token").GetString()!;
        }
        _signedInAt = DateTime.UtcNow;
        return true;
    }
}
