using System.Net;
using System.Net.Sockets;

namespace KennWilliamson.Tests.Infrastructure;

public static class LoopbackPorts
{
    /// <summary>A loopback port nothing listens on right now (the system picks it, then it is released).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
