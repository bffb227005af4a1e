// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Sockets;

namespace Pardon.Daemon.Pardons;

/// <summary>The client of one connection, as the kernel identifies it.</summary>
public sealed class PardonPeer
{
    public PardonPeer(PeerCredentials credentials, PeerPidFd? pidFd)
    {
        Credentials = credentials;
        PidFd = pidFd;
    }

    public PeerCredentials Credentials { get; }

    /// <summary>A pidfd on the caller (SO_PEERPIDFD, Linux 6.5+), or null where the kernel lacks it.</summary>
    public PeerPidFd? PidFd { get; }

    public uint Uid => Credentials.Uid;

    /// <summary>The caller's pid as the daemon's pid namespace sees it; 0 when it cannot see the caller.</summary>
    public int Pid => Credentials.Pid;
}
