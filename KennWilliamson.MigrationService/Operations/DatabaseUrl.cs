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
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgresql" or "postgres"))
        {
            throw new ArgumentException("DATABASE_URL must be a postgresql:// URI (postgresql://user:password@host:port/database).");
        }
        var userInfo = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Length > 0 ? uri.Host.Trim('[', ']') : "localhost",
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Username = userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : "postgres",
            Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } path ? Uri.UnescapeDataString(path) : "kennwilliamson",
        };
        if (userInfo.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.StartsWith("sslmode=", StringComparison.Ordinal))
            {
                builder.SslMode = pair["sslmode=".Length..] switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    var other => throw new ArgumentException($"DATABASE_URL: unknown sslmode '{other}' (disable, allow, prefer, require, verify-ca, verify-full)."),
                };
            }
        }
        return builder.ConnectionString;
    }
}
