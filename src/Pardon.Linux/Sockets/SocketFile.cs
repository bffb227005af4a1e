// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;
using Pardon.Core;

namespace Pardon.Linux.Sockets;

/// <summary>What is at a socket path, looked at without following symlinks (lstat).</summary>
public static class SocketFile
{
    // include/uapi/linux/stat.h
    private const int S_IFMT = 0xF000;
    private const int S_IFSOCK = 0xC000;

    /// <summary>True for a socket, false for anything else, null when nothing is there.</summary>
    public static bool? IsSocket(string path) => TryLstat(path, out Interop.Libc.Statx sx) ? (sx.stx_mode & S_IFMT) == S_IFSOCK : null;

    /// <summary>The identity of what is at <paramref name="path"/> (not following symlinks); unknown when nothing is.</summary>
    public static FileIdentity IdentityOf(string path)
        => TryLstat(path, out Interop.Libc.Statx sx) ? sx.Identity : default;

    /// <summary>
    /// Sets the mode of the socket file at <paramref name="path"/> without following a symlink planted there: the
    /// path is opened O_PATH|O_NOFOLLOW, must be a socket, and is changed through /proc/self/fd (which reaches the
    /// opened inode itself). Returns 0 or an errno (ELOOP/ENOTSOCK-like EINVAL when it is not a socket).
    /// </summary>
    public static unsafe int SetModeNoFollow(string path, int mode)
    {
        int fd = Io.FdIo.Open(path, Interop.Libc.O_PATH | Interop.Libc.O_NOFOLLOW);
        if (fd < 0)
        {
            return -fd;
        }

        try
        {
            if (Security.SecureDirectory.FStat(fd, out Interop.Libc.Statx sx) != 0 || (sx.stx_mode & S_IFMT) != S_IFSOCK)
            {
                return Interop.Errno.EINVAL;
            }

            byte[] proc = Encoding.ASCII.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/proc/self/fd/{fd}\0"));
            fixed (byte* p = proc)
            {
                return Interop.Libc.FchmodAt(Interop.Libc.AT_FDCWD, p, mode, 0) == 0 ? 0 : System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            }
        }
        finally
        {
            Interop.Libc.Close(fd);
        }
    }

    /// <summary>
    /// Why the socket's directory may not be trusted, or null: it must belong to the daemon's euid (or root)
    /// and be writable by nobody else, unless it has the sticky bit (/tmp: others cannot replace our entries).
    /// </summary>
    public static string? UnsafeDirectory(string directory)
    {
        if (!TryStat(directory, out Interop.Libc.Statx sx))
        {
            return "it cannot be read";
        }

        uint euid = Interop.Libc.GetEuid();
        return sx.stx_uid == 0 && euid != 0
            ? Security.SecureDirectory.UnsafeOwnership(in sx, 0, allowSticky: true)
            : Security.SecureDirectory.UnsafeOwnership(in sx, euid, allowSticky: true);
    }

    private static unsafe bool TryStat(string path, out Interop.Libc.Statx result)
    {
        byte[] z = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, z);
        Interop.Libc.Statx sx;
        fixed (byte* p = z)
        {
            int rc = Interop.Libc.StatX(Interop.Libc.AT_FDCWD, p, 0, Interop.Libc.STATX_BASIC_STATS, &sx);
            result = sx;
            return rc == 0;
        }
    }

    private static unsafe bool TryLstat(string path, out Interop.Libc.Statx result)
    {
        byte[] z = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, z);
        Interop.Libc.Statx sx;
        fixed (byte* p = z)
        {
            int rc = Interop.Libc.StatX(Interop.Libc.AT_FDCWD, p, Interop.Libc.AT_SYMLINK_NOFOLLOW, Interop.Libc.STATX_BASIC_STATS, &sx);
            result = sx;
            return rc == 0;
        }
    }
}
