// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Pardons;

/// <summary>The limits that keep the socket server from being a way to exhaust the daemon.</summary>
public sealed record PardonServerOptions
{
    /// <summary>The longest request line, newline excluded. Requests are tiny; anything longer is abuse.</summary>
    public int MaxLineBytes { get; init; } = 4096;

    /// <summary>How long a client may take to send each complete line (a slow client holds a slot at most this long).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long writing a response may take before the client is dropped.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Clients served at once; more are answered "busy" and closed.</summary>
    public int MaxClients { get; init; } = 32;

    /// <summary>Requests answered on one connection before it is closed.</summary>
    public int MaxRequestsPerConnection { get; init; } = 64;
}
