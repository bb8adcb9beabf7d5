using System.Net;
using KennWilliamson.Tests.Api;

namespace KennWilliamson.Tests.Scale;

/// <summary>
/// One client, one address, spending each budget well past its default limit across several API replicas: 24
/// registrations (limit 10 a minute per address), 70 timer creates of one account (60 a minute) and 9 failed
/// logins of one email (5 in 15 minutes). Requests go to the replicas in turn, each on a new connection, as a load
/// balancer spreads them.
/// </summary>
public sealed record ReplicaScenario(int Registered, int TimersCreated, IReadOnlyList<HttpStatusCode> FailedLogins)
{
    public const int Registrations = 24;
    public const int TimerCreates = 70;
    public const int WrongPasswords = 9;

    public static async Task<ReplicaScenario> RunAsync(IReadOnlyList<HttpClient> replicas)
    {
        var client = ApiClient.RandomClientAddress();
        var close = new Dictionary<string, string> { ["Connection"] = "close" };
        var turn = 0;
        HttpClient Next() => replicas[turn++ % replicas.Count];

        var registered = new List<(string Email, string Token)>();
        for (var i = 0; i < Registrations; i++)
        {
            var email = ApiClient.UniqueEmail("replica");
            using var response = await Next().SendAsync(HttpMethod.Post, "/api/auth/register",
                new Dictionary<string, string> { ["email"] = email, ["password"] = ApiClient.Password, ["display_name"] = "Replica" }, clientAddress: client, headers: close);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.TooManyRequests, $"register: {response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.Created)
            {
                registered.Add((email, (await response.JsonAsync()).GetProperty("token").GetString()!));
            }
        }
        Assert.NotEmpty(registered);
        var (accountEmail, token) = registered[0];

        var created = 0;
        for (var i = 0; i < TimerCreates; i++)
        {
            using var response = await Next().SendAsync(HttpMethod.Post, "/api/incident-timers", new { notes = "replica" }, token, client, close);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.TooManyRequests, $"timer create: {response.StatusCode}");
            created += response.StatusCode == HttpStatusCode.Created ? 1 : 0;
        }

        var logins = new List<HttpStatusCode>();
        for (var i = 0; i < WrongPasswords; i++)
        {
            // A fresh address each time: only the email's own budget is spent, not the address's login budget.
            using var response = await Next().SendAsync(HttpMethod.Post, "/api/auth/login",
                new Dictionary<string, string> { ["email"] = accountEmail, ["password"] = "wrong-" + i }, headers: close);
            logins.Add(response.StatusCode);
        }
        return new ReplicaScenario(registered.Count, created, logins);
    }

    /// <summary>What the application as a whole allows, whichever replica answers.</summary>
    public void AssertLimitsHeld()
    {
        Assert.InRange(Registered, 1, 10);
        Assert.InRange(TimersCreated, 1, 60);
        var unauthorized = FailedLogins.TakeWhile(s => s == HttpStatusCode.Unauthorized).Count();
        Assert.InRange(unauthorized, 1, 5);
        Assert.All(FailedLogins.Skip(unauthorized), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
    }
}
