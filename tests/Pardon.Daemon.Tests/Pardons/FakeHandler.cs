// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Collections.Concurrent;
using Pardon.Daemon.Pardons;

namespace Pardon.Daemon.Tests.Pardons;

/// <summary>A request handler that records what reached it and answers ok (or throws, or waits, when told to).</summary>
public sealed class FakeHandler : IPardonRequestHandler
{
    public ConcurrentQueue<(PardonPeer Peer, PardonRequest Request)> Seen { get; } = new();

    public bool Throw { get; set; }

    /// <summary>How long each answer takes (a slow decision).</summary>
    public TimeSpan Delay { get; set; }

    public async Task<PardonResponse> HandleAsync(PardonPeer peer, PardonRequest request, CancellationToken cancellationToken)
    {
        Seen.Enqueue((peer, request));
        if (Throw)
        {
            throw new InvalidOperationException("boom");
        }

        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }

        return new PardonResponse { Ok = true, DaemonPid = peer.Pid };
    }
}
