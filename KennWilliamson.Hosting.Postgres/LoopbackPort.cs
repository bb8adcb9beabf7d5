using System.Net;
using System.Net.Sockets;

namespace KennWilliamson.Hosting.Postgres;

public static class LoopbackPort
{
    /// <summary>A port free when asked, for a local server that listens itself (no development proxy in front).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
