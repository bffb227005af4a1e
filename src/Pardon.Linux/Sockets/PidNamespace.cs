// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;
using Pardon.Core;
using Pardon.Linux.Io;

namespace Pardon.Linux.Sockets;

/// <summary>
/// A process's pid namespace, named by the nsfs inode /proc/PID/ns/pid resolves to (namespaces(7)): two
/// processes share a pid namespace exactly when the identities are equal. A pid a client sends means the
/// process with that number in the client's namespace, so the daemon accepts bare pids only from clients in
/// its own.
/// </summary>
public static class PidNamespace
{
    /// <summary>The pid namespace of <paramref name="pid"/> (as this process sees it); unknown when it cannot be read.</summary>
    public static FileIdentity Of(int pid, string procRoot = "/proc")
        => pid > 0 ? Identity($"{procRoot}/{pid}/ns/pid") : default;

    /// <summary>This process's own pid namespace.</summary>
    public static FileIdentity OfSelf(string procRoot = "/proc") => Identity($"{procRoot}/self/ns/pid");

    private static FileIdentity Identity(string path)
        => FdIo.StatAt(Interop.Libc.AT_FDCWD, Encoding.UTF8.GetBytes(path), out Interop.Libc.Statx sx) == 0
            ? new FileIdentity(((ulong)sx.stx_dev_major << 32) | sx.stx_dev_minor, sx.stx_ino)
            : default;
}
