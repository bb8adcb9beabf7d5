namespace KennWilliamson.Tests.Infrastructure;

/// <summary>
/// A running application as a test sees it, whichever layer started it: the API in this process on a
/// server of its own (<see cref="ApiFixture"/>) or the whole AppHost (<see cref="AppFixture"/>).
/// </summary>
public interface ITestApp
{
    /// <summary>A client of the API; its requests name their client address in X-Forwarded-For (see ApiClient).</summary>
    HttpClient Api { get; }

    /// <summary>The server as its superuser, database postgres.</summary>
    string ServerConnectionString { get; }

    /// <summary>The application's database as the role that owns it (what the migration worker uses).</summary>
    string OwnerConnectionString { get; }

    /// <summary>The application's database as the API's least-privilege role.</summary>
    string AppConnectionString { get; }

    string AppDbPassword { get; }
    string JwtSigningKey { get; }
    string BackupKey { get; }

    /// <summary>A folder for this application's backups.</summary>
    string BackupDirectory { get; }

    /// <summary>A new, empty database on the same server.</summary>
    Task<string> CreateScratchDatabaseAsync(string prefix);
}
