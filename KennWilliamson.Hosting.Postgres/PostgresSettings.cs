using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace KennWilliamson.Hosting.Postgres;

/// <summary>A setup problem the user can fix: its message is meant to be printed alone.</summary>
public sealed class SetupException(string message) : Exception(message);

public enum PostgresMode
{
    Auto,
    Container,
    Local,
    External,
}

/// <summary>The <c>Postgres</c> section. <c>auto</c> prefers a container, then the machine's binaries; external runs no server.</summary>
public sealed record PostgresSettings(PostgresMode Mode, int Port, string DataDirectory, string? BinDirectory, string? ContainerRuntime)
{
    public const string NoPostgresMessage =
        "No way to run PostgreSQL was found. Either install and start a container engine (Docker or Podman) " +
        "so `docker info` answers, or install the PostgreSQL server package (e.g. `sudo apt-get install postgresql`) " +
        "or point Postgres:BinDirectory at its bin folder. Then run the AppHost again; Postgres:Mode=container|local forces one.";

    public static PostgresSettings From(IConfiguration configuration, string appHostDirectory)
    {
        var section = configuration.GetSection("Postgres");
        var modeText = section["Mode"] is { Length: > 0 } m ? m : "auto";
        if (!Enum.TryParse<PostgresMode>(modeText, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
        {
            throw new SetupException($"Postgres:Mode is '{modeText}'; use auto, container, local or external.");
        }

        var portText = section["Port"] is { Length: > 0 } p ? p : "5432";
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new SetupException($"Postgres:Port is '{portText}'; use a TCP port, or 0 for a free one.");
        }

        var dataDirectory = section["DataDirectory"] is { Length: > 0 } d ? d : "../.data/postgres";
        return new PostgresSettings(mode, port,
            Path.GetFullPath(Path.Combine(appHostDirectory, dataDirectory)),
            section["BinDirectory"] is { Length: > 0 } b ? b : null,
            section["ContainerRuntime"] is { Length: > 0 } r ? r : configuration["ASPIRE_CONTAINER_RUNTIME"]);
    }

    public PostgresMode Resolve(Func<string?> findBinDirectory, Func<bool> containerRuntimeAnswers) => Mode switch
    {
        PostgresMode.Auto when containerRuntimeAnswers() => PostgresMode.Container,
        PostgresMode.Auto when findBinDirectory() is not null => PostgresMode.Local,
        PostgresMode.Auto => throw new SetupException(NoPostgresMessage),
        _ => Mode,
    };
}
