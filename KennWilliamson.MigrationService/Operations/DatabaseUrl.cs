using Npgsql;

namespace KennWilliamson.MigrationService.Operations;

/// <summary>
/// <c>DATABASE_URL</c> (<c>postgresql://user:password@host:port/database?sslmode=…</c>, as hosting platforms
/// and the original backend give it) as the Npgsql connection string the worker uses, when no
/// <c>ConnectionStrings:kennwilliamson</c> is set. Missing parts default to localhost, 5432, postgres and
/// the database kennwilliamson.
/// </summary>
public static class DatabaseUrl
{
    public static string ToConnectionString(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0 || url[..scheme] is not ("postgresql" or "postgres"))
        {
            throw new ArgumentException("DATABASE_URL must be a postgresql:// URI (postgresql://user:password@host:port/database).");
        }
        // Split by hand, not by System.Uri: a percent-encoded socket folder as the host
        // (postgresql://user@%2Fvar%2Frun%2Fpostgresql/db) is valid for libpq and not a URI host.
        var (rest, query) = Cut(url[(scheme + 3)..], '?');
        var (authority, path) = Cut(rest, '/');
        var at = authority.LastIndexOf('@');
        var (user, password) = at < 0 ? ("", null) : Cut(authority[..at], ':');
        var hostPort = authority[(at + 1)..];
        var portAt = hostPort.StartsWith('[') ? hostPort.IndexOf("]:", StringComparison.Ordinal) + 1 : hostPort.LastIndexOf(':');
        var host = (portAt > 0 ? hostPort[..portAt] : hostPort).Trim('[', ']');
        var port = portAt > 0 ? hostPort[(portAt + 1)..] : "";
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = host.Length > 0 ? Uri.UnescapeDataString(host) : "localhost",
            Port = port.Length == 0 ? 5432
                : int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536 ? p
                : throw new ArgumentException($"DATABASE_URL: the port '{port}' is not a port number."),
            Username = user.Length > 0 ? Uri.UnescapeDataString(user) : "postgres",
            Database = path is { Length: > 0 } ? Uri.UnescapeDataString(path) : "kennwilliamson",
        };
        if (password is not null)
        {
            builder.Password = Uri.UnescapeDataString(password);
        }
        foreach (var pair in (query ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.StartsWith("sslmode=", StringComparison.Ordinal))
            {
                var name = pair["sslmode=".Length..];
                var known = SslModes.Where(m => m.Name == name).ToArray();
                builder.SslMode = known.Length == 1 ? known[0].Mode
                    : throw new ArgumentException($"DATABASE_URL: unknown sslmode '{name}' ({string.Join(", ", SslModes.Select(m => m.Name))}).");
            }
        }
        return builder.ConnectionString;
    }

    /// <summary>libpq's sslmode names and Npgsql's modes: read from a URL here, handed to pg_dump and pg_restore as PGSSLMODE.</summary>
    internal static readonly (string Name, SslMode Mode)[] SslModes =
    [
        ("disable", SslMode.Disable), ("allow", SslMode.Allow), ("prefer", SslMode.Prefer),
        ("require", SslMode.Require), ("verify-ca", SslMode.VerifyCA), ("verify-full", SslMode.VerifyFull),
    ];

    /// <summary>The libpq name of an Npgsql mode (prefer for any mode libpq lacks).</summary>
    internal static string SslModeName(SslMode mode) => SslModes.FirstOrDefault(m => m.Mode == mode).Name ?? "prefer";

    /// <summary>The text before the first <paramref name="separator"/>, and after it (null without one).</summary>
    private static (string Before, string? After) Cut(string text, char separator) =>
        text.IndexOf(separator, StringComparison.Ordinal) is var i and >= 0 ? (text[..i], text[(i + 1)..]) : (text, null);
}
