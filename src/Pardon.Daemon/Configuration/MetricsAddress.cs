// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Net;

namespace Pardon.Daemon.Configuration;

/// <summary>A metrics listen address: "HOST:PORT" or ":PORT" (loopback), "[::1]:PORT" for IPv6.</summary>
public static class MetricsAddress
{
    public static bool TryParse(string text, out IPEndPoint endPoint, out string error)
    {
        endPoint = new IPEndPoint(IPAddress.Loopback, 0);
        error = "";
        int colon = text.LastIndexOf(':');
        if (colon < 0 || !ushort.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out ushort port) || port == 0)
        {
            error = $"\"{text}\" is not HOST:PORT (example: \"127.0.0.1:9789\")";
            return false;
        }

        string host = text[..colon].Trim('[', ']');
        IPAddress address;
        if (host.Length == 0 || host == "localhost")
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host, out address!))
        {
            error = $"\"{host}\" is not an IP address (use 127.0.0.1, ::1 or 0.0.0.0)";
            return false;
        }

        endPoint = new IPEndPoint(address, port);
        return true;
    }
}
