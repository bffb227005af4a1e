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
