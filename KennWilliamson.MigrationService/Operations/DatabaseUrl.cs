using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace KennWilliamson.MigrationService.Operations;

/// <summary>
/// <c>DATABASE_URL</c> (<c>postgresql://user:password@host:port/database?sslmode=…</c>) as an Npgsql connection
/// string. An unencoded password is accepted only when the URL reads one way; no error repeats the URL.
/// </summary>
public static partial class DatabaseUrl
{
    // Fixed texts only: a message built from the URL could carry the password.
    private const string Hidden = " (the URL is not repeated here: it holds the password)";
    internal const string NotAUrl = "DATABASE_URL must be a postgresql:// URI (postgresql://user:password@host:port/database)." + Hidden;
    internal const string Ambiguous = "DATABASE_URL reads more than one way: percent-encode the user name and password "
        + "(@ as %40, / as %2F, ? as %3F, : in the user name as %3A)." + Hidden;
    internal const string BadHost = "DATABASE_URL: the host (after the last @) is not a host name, an address or a percent-encoded socket folder." + Hidden;
    internal const string BadPort = "DATABASE_URL: the port (after the last @) is not a number from 1 to 65535." + Hidden;
    internal const string BadDatabase = "DATABASE_URL: the database name (after the last @) has an unencoded / or @." + Hidden;
    internal const string BadQuery = "DATABASE_URL: the part after ? (after the last @) is not name=value pairs joined by &." + Hidden;
    internal const string BadSslMode = "DATABASE_URL: unknown sslmode (use disable, allow, prefer, require, verify-ca or verify-full)." + Hidden;
    internal const string NoUserInfo = "DATABASE_URL has no user name and password: no @ before the host (postgresql://user:password@host:port/database). "
        + "What stands before the host may be a user name and password with the @host missing, so it is not read as a host and port." + Hidden;

    internal static IReadOnlyList<string> Messages => [NotAUrl, Ambiguous, BadHost, BadPort, BadDatabase, BadQuery, BadSslMode, NoUserInfo];

    /// <summary>One reading of a URL, still percent-encoded.</summary>
    private sealed record Reading(string UserInfo, string Host, int? Port, string? Database, SslMode? SslMode);

    public static string ToConnectionString(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0 || url[..scheme] is not ("postgresql" or "postgres"))
        {
            throw new ArgumentException(NotAUrl);
        }
        var reading = Read(url[(scheme + 3)..]);
        var (user, password) = Cut(reading.UserInfo, ':');
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = reading.Host.Length > 0 ? Uri.UnescapeDataString(reading.Host) : "localhost",
            Port = reading.Port ?? 5432,
            Username = user.Length > 0 ? Uri.UnescapeDataString(user) : "postgres",
            Database = reading.Database is { Length: > 0 } database ? Uri.UnescapeDataString(database) : "kennwilliamson",
        };
        if (password is not null)
        {
            builder.Password = Uri.UnescapeDataString(password);
        }
        if (reading.SslMode is { } mode)
        {
            builder.SslMode = mode;
        }
        return builder.ConnectionString;
    }

    /// <summary>
    /// Everything after <c>://</c>, the user info ending at the last <c>@</c>; refused when another reading is also
    /// valid. Split by hand: a percent-encoded socket folder is a libpq host but not a URI host.
    /// </summary>
    private static Reading Read(string rest)
    {
        var ends = new List<int> { -1 };
        for (var i = rest.IndexOf('@', StringComparison.Ordinal); i >= 0; i = rest.IndexOf('@', i + 1))
        {
            ends.Add(i);
        }
        if (ends.Count == 1)
        {
            // postgresql://user:38067/db reads as host "user" and port 38067, which may be a password: no reading is safe.
            throw new ArgumentException(NoUserInfo);
        }
        var readings = ends.Select(at => ReadTail(rest[..Math.Max(at, 0)], rest[(at + 1)..])).ToList();
        var (last, error) = readings[^1];
        if (last is null)
        {
            throw new ArgumentException(error);
        }
        return readings.Count(r => r.Reading is not null) == 1 ? last : throw new ArgumentException(Ambiguous);
    }

    /// <summary><c>host[:port][/database][?name=value&amp;…]</c> after the user info, or why it is not.</summary>
    private static (Reading? Reading, string? Error) ReadTail(string userInfo, string tail)
    {
        var hostEnd = tail.IndexOfAny(['/', '?']);
        var hostPort = hostEnd < 0 ? tail : tail[..hostEnd];
        var after = hostEnd < 0 ? "" : tail[hostEnd..];
        var (path, query) = after.StartsWith('/') ? Cut(after[1..], '?') : (null, after.Length > 0 ? after[1..] : null);

        var portAt = hostPort.LastIndexOf(':');
        if (portAt < hostPort.LastIndexOf(']') || portAt < hostPort.LastIndexOf(','))
        {
            portAt = -1; // inside [IPv6], or an earlier host's of a list: the last host has no port
        }
        var host = portAt >= 0 ? hostPort[..portAt] : hostPort;
        if (!HostPattern().IsMatch(host))
        {
            return (null, BadHost);
        }
        int? port = null;
        if (portAt >= 0)
        {
            if (!int.TryParse(hostPort[(portAt + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                return (null, BadPort);
            }
            port = p;
        }
        if (path is not null && path.IndexOfAny(['/', '@']) >= 0)
        {
            return (null, BadDatabase);
        }
        SslMode? sslMode = null;
        foreach (var pair in (query ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = Cut(pair, '=');
            if (value is null || !QueryName().IsMatch(name))
            {
                return (null, BadQuery);
            }
            if (name == "sslmode")
            {
                var known = SslModes.Where(m => m.Name == value).ToArray();
                if (known.Length != 1)
                {
                    return (null, BadSslMode);
                }
                sslMode = known[0].Mode;
            }
        }
        var single = host.StartsWith('[') && host.EndsWith(']') && !host.Contains(',', StringComparison.Ordinal);
        return (new Reading(userInfo, single ? host[1..^1] : host, port, path, sslMode), null);
    }

    /// <summary>libpq sslmode names and Npgsql modes (pg_dump and pg_restore get PGSSLMODE).</summary>
    internal static readonly (string Name, SslMode Mode)[] SslModes =
    [
        ("disable", SslMode.Disable), ("allow", SslMode.Allow), ("prefer", SslMode.Prefer),
        ("require", SslMode.Require), ("verify-ca", SslMode.VerifyCA), ("verify-full", SslMode.VerifyFull),
    ];

    internal static string SslModeName(SslMode mode) => SslModes.FirstOrDefault(m => m.Mode == mode).Name ?? "prefer";

    private static (string Before, string? After) Cut(string text, char separator) =>
        text.IndexOf(separator, StringComparison.Ordinal) is var i and >= 0 ? (text[..i], text[(i + 1)..]) : (text, null);

    /// <summary>Hosts as libpq takes them (names, addresses, socket folders, lists); empty is localhost.</summary>
    [GeneratedRegex(@"^(?:(?:[A-Za-z0-9\-._~%]+|\[[0-9A-Za-z:.%]+\])(?::[0-9]{1,5})?,)*(?:[A-Za-z0-9\-._~%]*|\[[0-9A-Za-z:.%]+\])$")]
    private static partial Regex HostPattern();

    [GeneratedRegex("^[a-z_]+$")]
    private static partial Regex QueryName();
}
