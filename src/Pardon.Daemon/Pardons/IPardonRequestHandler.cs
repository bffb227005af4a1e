// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Pardons;

/// <summary>Answers parsed requests; <see cref="PardonServer"/> owns the transport (framing, limits, timeouts).</summary>
public interface IPardonRequestHandler
{
    /// <summary>
    /// Answers one request. Must not throw for anything a client can send. <paramref name="cancellationToken"/>
    /// ends with the connection's lifetime: the answer is then given up (the request may still take effect).
    /// </summary>
    Task<PardonResponse> HandleAsync(PardonPeer peer, PardonRequest request, CancellationToken cancellationToken);
}
