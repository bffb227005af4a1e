// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Net.Sockets;
using System.Runtime.InteropServices;
using Pardon.Linux.Io;

namespace Pardon.Linux.Sockets;

/// <summary>
/// A pidfd for the peer of a Unix socket (SO_PEERPIDFD, Linux 6.5+): the very process that connected, for
/// its whole life. SO_PEERCRED gives only a pid, which the peer's exit could hand to another process before
/// the daemon opens it; while this pidfd says the peer is alive, its pid still names it.
/// </summary>
public sealed class PeerPidFd : IDisposable
{
    private readonly SafeFdHandle _handle;

    private PeerPidFd(SafeFdHandle handle)
    {
        _handle = handle;
    }

    /// <summary>Reads SO_PEERPIDFD; null where the kernel does not have it (before 6.5) or the peer is gone.</summary>
    public static PeerPidFd? TryOpen(Socket socket)
    {
        Span<byte> value = stackalloc byte[sizeof(int)];
        int length;
        try
        {
            length = socket.GetRawSocketOption(Interop.Libc.SOL_SOCKET, Interop.Libc.SO_PEERPIDFD, value);
        }
        catch (SocketException)
        {
            return null; // ENOPROTOOPT: an older kernel; ENODATA: not connected
        }
        catch (ObjectDisposedException)
        {
            return null;
        }

        int fd = length == sizeof(int) ? MemoryMarshal.Read<int>(value) : -1;
        return fd >= 0 ? new PeerPidFd(new SafeFdHandle(fd)) : null;
    }

    /// <summary>True while the peer process has not exited (its pidfd is not readable).</summary>
    public unsafe bool IsAlive
    {
        get
        {
            bool added = false;
            try
            {
                _handle.DangerousAddRef(ref added);
                Interop.Libc.PollFd pfd = new() { fd = _handle.Fd, events = Interop.Libc.POLLIN };
                while (true)
                {
                    int rc = Interop.Libc.Poll(&pfd, 1, 0);
                    if (rc >= 0)
                    {
                        return rc == 0;
                    }

                    if (Marshal.GetLastPInvokeError() != Interop.Errno.EINTR)
                    {
                        return false;
                    }
                }
            }
            finally
            {
                if (added)
                {
                    _handle.DangerousRelease();
                }
            }
        }
    }

    /// <summary>
    /// The pid the pidfd names, from /proc/self/fdinfo ("Pid:" line, pidfd fdinfo since Linux 5.x): -1 once
    /// the process has exited, 0 when it lives in a pid namespace this process cannot see.
    /// </summary>
    public int ReadPid()
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            return PidFdInfo.ReadPid(_handle.Fd);
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    public void Dispose() => _handle.Dispose();
}
