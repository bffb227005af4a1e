// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Sockets;

namespace Pardon.Daemon.Pardons;

/// <summary>The client of one connection, as the kernel identifies it.</summary>
public sealed class PardonPeer
{
    /// <param name="credentials">SO_PEERCRED at connect time.</param>
    /// <param name="pidFd">SO_PEERPIDFD, where the kernel has it.</param>
    /// <param name="pidNamespace">The caller's pid namespace (/proc/PID/ns/pid), read when it connected; unknown when it could not be.</param>
    public PardonPeer(PeerCredentials credentials, PeerPidFd? pidFd, FileIdentity pidNamespace)
    {
        Credentials = credentials;
        PidFd = pidFd;
        PidNamespace = pidNamespace;
    }

    public PeerCredentials Credentials { get; }

    /// <summary>A pidfd on the caller (SO_PEERPIDFD, Linux 6.5+), or null where the kernel lacks it.</summary>
    public PeerPidFd? PidFd { get; }

    public uint Uid => Credentials.Uid;

    /// <summary>The caller's pid as the daemon's pid namespace sees it; 0 when it cannot see the caller.</summary>
    public int Pid => Credentials.Pid;

    /// <summary>
    /// The caller's pid namespace: a bare pid in a request means the process with that number there, so it is
    /// taken only from callers in the daemon's own namespace. Unknown when it could not be read (or the caller
    /// had exited by then).
    /// </summary>
    public FileIdentity PidNamespace { get; }

    /// <summary>Reads the peer's pid namespace through its pid, checked against its pidfd (a reused pid would name another process).</summary>
    public static FileIdentity ReadNamespace(PeerCredentials credentials, PeerPidFd? pidFd, string procRoot = "/proc")
    {
        FileIdentity ns = Linux.Sockets.PidNamespace.Of(credentials.Pid, procRoot);
        return pidFd is null || pidFd.IsAlive ? ns : default;
    }
}
