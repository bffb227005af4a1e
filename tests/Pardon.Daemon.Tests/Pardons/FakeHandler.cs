// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Collections.Concurrent;
using Pardon.Daemon.Pardons;

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>A request handler that records what reached it and answers ok (or throws, when told to).</summary>
public sealed class FakeHandler : IPardonRequestHandler
{
    public ConcurrentQueue<(PardonPeer Peer, PardonRequest Request)> Seen { get; } = new();

    public bool Throw { get; set; }

    public PardonResponse Handle(PardonPeer peer, PardonRequest request)
    {
        Seen.Enqueue((peer, request));
        if (Throw)
        {
            throw new InvalidOperationException("boom");
        }

        return new PardonResponse { Ok = true, DaemonPid = peer.Pid };
    }
}
