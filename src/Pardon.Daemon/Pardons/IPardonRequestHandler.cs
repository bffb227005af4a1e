// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Pardons;

/// <summary>Answers parsed requests; <see cref="PardonServer"/> owns the transport (framing, limits, timeouts).</summary>
public interface IPardonRequestHandler
{
    /// <summary>Answers one request. May block briefly (procfs reads); must not throw for anything a client can send.</summary>
    PardonResponse Handle(PardonPeer peer, PardonRequest request);
}
