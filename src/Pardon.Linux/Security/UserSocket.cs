// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Pardon.Linux.Security;

/// <summary>
/// Connects to a Unix socket as another user — for a user's D-Bus session bus (/run/user/UID/bus), which
/// accepts only its own uid: dbus-daemon checks the peer's SO_PEERCRED, which the kernel records from the
/// connecting task's effective credentials at connect() (net/unix/af_unix.c init_peercred()), and by
/// default allows only the bus owner's uid (bus/policy.c bus_policy_allow_unix_user()) — root included.
///
/// Only the calling thread's effective uid and gid change, through the raw syscalls (Linux keeps
/// credentials per task; the C library's setresuid() would change every thread, the monitor's too), and
/// only around connect(): the path is resolved and checked with the user's rights, so a socket or symlink
/// planted in the user's directory reaches nothing the user could not reach. The saved uid stays 0, so the
/// thread can switch back; the effective capabilities the kernel drops on leaving euid 0 come back from
/// the permitted set on return (security/commoncap.c cap_emulate_setxuid()). The rest of the conversation
/// then runs with the daemon's own identity: the bus has already recorded the peer's.
///
/// Alternatives weighed: a short-lived helper process (fork+setuid+exec of the daemon itself) costs a
/// runtime start per notification in the middle of a memory shortage; setfsuid() does not change what
/// SO_PEERCRED reports. Call only from a thread of your own that runs nothing else meanwhile.
/// </summary>
public static class UserSocket
{
    /// <summary>The longest a connect may wait for the listener (its backlog full).</summary>
    public const int ConnectTimeoutMs = 5000;

    /// <summary>Connects a stream socket to <paramref name="path"/> with <paramref name="uid"/>/<paramref name="gid"/> as the effective ids.</summary>
    /// <exception cref="SocketException">connect() failed.</exception>
    /// <exception cref="UnauthorizedAccessException">The credentials could not be switched.</exception>
    public static Socket Connect(string path, uint uid, uint gid)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

        // A user owns their bus socket and can fill its listen backlog: connect(2) on a Unix stream socket then
        // blocks, up to SO_SNDTIMEO (net/unix/af_unix.c unix_stream_connect), and must not hold this thread —
        // running with the user's ids — for ever.
        socket.SendTimeout = ConnectTimeoutMs;
        try
        {
            uint self = Interop.Libc.GetEuid();
            if (self == uid || self != 0)
            {
                // Not root: we can only be ourselves (the bus decides whether that is enough).
                socket.Connect(new UnixDomainSocketEndPoint(path));
                return socket;
            }

            Switch(Interop.Libc.SysSetResGid, gid, "setresgid");
            try
            {
                Switch(Interop.Libc.SysSetResUid, uid, "setresuid");
                try
                {
                    socket.Connect(new UnixDomainSocketEndPoint(path));
                }
                finally
                {
                    Restore(Interop.Libc.SysSetResUid);
                }
            }
            finally
            {
                Restore(Interop.Libc.SysSetResGid);
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The owner and group of <paramref name="path"/> itself (a symlink is not followed), or null.</summary>
    public static unsafe (uint Uid, uint Gid)? OwnerOf(string path)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        Interop.Libc.Statx sx;
        fixed (byte* p = bytes)
        {
            if (Interop.Libc.StatX(Interop.Libc.AT_FDCWD, p, Interop.Libc.AT_SYMLINK_NOFOLLOW, Interop.Libc.STATX_UID | Interop.Libc.STATX_GID, &sx) != 0)
            {
                return null;
            }
        }

        return (sx.stx_uid, sx.stx_gid);
    }

    private static void Switch(long syscall, uint id, string name)
    {
        // (ruid, euid, suid) = (unchanged, id, unchanged): -1 leaves a field as it is.
        if (Interop.Libc.Syscall(syscall, -1, id, -1, 0, 0) != 0)
        {
            throw new UnauthorizedAccessException($"{name}({id}) for this thread: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    private static void Restore(long syscall)
    {
        if (Interop.Libc.Syscall(syscall, -1, 0, -1, 0, 0) != 0)
        {
            // A thread left with a user's identity inside a root daemon must not run anything further.
            Environment.FailFast("pardon: cannot restore a thread's credentials after connecting as another user");
        }
    }
}
