// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Pardons;

/// <summary>
/// The limits that keep the socket from being a way to exhaust the daemon or to deny it to others: every
/// connection is short-lived (a total lifetime, not only an idle timeout), each uid may hold only a few
/// connections and send only so many requests per second, and one slot of the total is kept for root.
/// </summary>
public sealed record PardonServerOptions
{
    /// <summary>The longest request line, newline excluded. Requests are tiny; anything longer is abuse.</summary>
    public int MaxLineBytes { get; init; } = 4096;

    /// <summary>How long a client may take to send each complete line (counted from the connect or the previous answer).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long writing a response may take before the client is dropped.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest a connection stays open, whatever it does (pardon.connection_lifetime).</summary>
    public TimeSpan ConnectionLifetime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Clients served at once; more are answered "busy" and closed.</summary>
    public int MaxClients { get; init; } = 32;

    /// <summary>Of <see cref="MaxClients"/>, how many only root may use: root can always ask, list and release.</summary>
    public int ReservedForRoot { get; init; } = 1;

    /// <summary>Connections one (non-root) uid may hold at once (pardon.max_connections_per_user).</summary>
    public int MaxConnectionsPerUser { get; init; } = 8;

    /// <summary>Requests one (non-root) uid may send per second, on average (pardon.requests_per_second); bursts of twice as many pass.</summary>
    public double RequestsPerSecond { get; init; } = 10;

    /// <summary>Requests answered on one connection before it is closed.</summary>
    public int MaxRequestsPerConnection { get; init; } = 64;

    /// <summary>Requests waiting for the pardon worker at most; more are answered "busy".</summary>
    public int MaxQueuedRequests { get; init; } = 64;
}
