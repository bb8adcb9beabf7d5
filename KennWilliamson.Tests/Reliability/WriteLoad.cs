using System.Collections.Concurrent;
using System.Diagnostics;
using KennWilliamson.Tests.Api;

namespace KennWilliamson.Tests.Reliability;

/// <summary>
/// Clients that create and update timers through the API and remember what they were told, Jepsen
/// style: every create and update writes unique notes, so the database can be checked against each
/// acknowledgement. Bounded in time and in requests; loopback only.
/// </summary>
public sealed class WriteLoad(HttpClient api, IReadOnlyList<Account> clients)
{
    public const int MaxRequestsPerClient = 5_000;

    public sealed record Outcome(string Kind, int Status, TimeSpan Elapsed, DateTimeOffset At, string? ContentType, bool RetryAfter);

    /// <summary>What a client knows of one of its timers (each timer is written by its one client, in order).</summary>
    public sealed class TimerHistory(string created)
    {
        public string Acknowledged { get; set; } = created;

        /// <summary>Updates sent after the last acknowledged value whose outcome the client never learned.</summary>
        public List<string> Unacknowledged { get; } = [];

        public bool Allows(string? stored) => stored == Acknowledged || Unacknowledged.Contains(stored!);
    }

    public ConcurrentDictionary<string, TimerHistory> Timers { get; } = new();

    public ConcurrentQueue<Outcome> Outcomes { get; } = new();

    public ConcurrentQueue<string> Failures { get; } = new();

    public Task RunAsync(CancellationToken stop) => Task.WhenAll(clients.Select((c, i) => ClientAsync(i, c, stop)));

    private async Task ClientAsync(int client, Account account, CancellationToken stop)
    {
        var mine = new List<string>();
        for (var seq = 0; seq < MaxRequestsPerClient && !stop.IsCancellationRequested; seq++)
        {
            var notes = $"c{client}-{seq}-{Guid.NewGuid():N}";
            if (seq % 3 == 2 && mine.Count > 0)
            {
                var history = Timers[mine[seq % mine.Count]];
                var id = mine[seq % mine.Count];
                var (status, _) = await SendAsync("update", HttpMethod.Put, $"/api/incident-timers/{id}", new { notes }, account.Token);
                if (status == 200)
                {
                    history.Acknowledged = notes;
                    history.Unacknowledged.Clear();
                }
                else
                {
                    history.Unacknowledged.Add(notes);
                }
            }
            else
            {
                var (status, id) = await SendAsync("create", HttpMethod.Post, "/api/incident-timers", new { notes }, account.Token);
                if (status == 201 && id is not null)
                {
                    Timers[id] = new TimerHistory(notes);
                    mine.Add(id);
                }
            }
            await Task.Delay(10, CancellationToken.None);
        }
    }

    private async Task<(int Status, string? Id)> SendAsync(string kind, HttpMethod method, string path, object body, string token)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await api.SendAsync(method, path, body, token);
            var status = (int)response.StatusCode;
            var id = status is 200 or 201 ? (await response.JsonAsync()).GetProperty("id").GetString() : null;
            Outcomes.Enqueue(new Outcome(kind, status, watch.Elapsed, DateTimeOffset.UtcNow, response.Content.Headers.ContentType?.MediaType,
                response.Headers.RetryAfter is not null));
            return (status, id);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or TimeoutException)
        {
            Failures.Enqueue($"{kind} failed after {watch.Elapsed.TotalSeconds:F1} s: {ex.GetType().Name} {ex.Message}");
            return (0, null);
        }
    }
}
