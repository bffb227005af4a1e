// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;
using Pardon.Core;
using Pardon.Core.Pardons;
using Pardon.Linux.Io;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Processes;

/// <summary>
/// Reads what a pardon decision needs about one process — owner, name, verified executable (path and
/// device/inode through /proc/PID/exe), memory — while a pidfd pins it, so the facts are known to belong
/// to the process the pidfd names and not to a later one that got its pid.
/// </summary>
public static class ProcessInspector
{
    /// <summary>
    /// Reads the pinned process. False when it exited (or its pid moved on) during the read. Kernel threads
    /// come back with <see cref="PardonTarget.IsKernelThread"/> set and no executable.
    /// </summary>
    public static bool TryInspect(PidFd process, out PardonTarget target, string procRoot = "/proc")
    {
        target = null!;
        int dirfd = FdIo.Open($"{procRoot}/{process.Pid}", Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY);
        if (dirfd < 0)
        {
            return false;
        }

        try
        {
            byte[] buffer = new byte[8 * 1024];
            int n = FdIo.ReadFileAt(dirfd, "stat"u8, buffer);
            if (n <= 0 || !ProcFs.TryParseStat(buffer.AsSpan(0, n), out ParsedStat stat) || stat.starttime != process.StartTime)
            {
                return false;
            }

            string comm = Encoding.UTF8.GetString(buffer.AsSpan(0, n)[stat.comm]);
            bool kthread = (stat.flags & ParsedStat.PF_KTHREAD) != 0;

            n = FdIo.ReadFileAt(dirfd, "status"u8, buffer);
            if (n <= 0 || !ProcFs.TryParseStatus(buffer.AsSpan(0, n), out ParsedStatus status))
            {
                return false;
            }

            string? exe = null;
            FileIdentity identity = default;
            if (!kthread)
            {
                n = FdIo.ReadLinkAt(dirfd, "exe"u8, buffer);
                if (n > 0)
                {
                    exe = Encoding.UTF8.GetString(buffer, 0, n);

                    // statx through the magic link reaches the file the process really runs, even when it was
                    // deleted or another file now has its path.
                    if (FdIo.StatAt(dirfd, "exe"u8, out Interop.Libc.Statx sx) == 0)
                    {
                        identity = FromStatx(in sx);
                    }
                }
            }

            // The pidfd was opened (and its start time checked) before /proc/PID was: if the process is still
            // alive now, the directory and everything read through it belonged to it.
            if (process.HasExited)
            {
                return false;
            }

            target = new PardonTarget
            {
                Pid = process.Pid,
                StartTime = stat.starttime,
                Uid = status.Uid,
                Comm = comm,
                Exe = exe,
                ExeIdentity = identity,
                UsedKiB = status.RssAnon + status.RssFile + status.RssShmem + status.VmSwap,
                IsKernelThread = kthread || status.Kthread == 1,
            };
            return true;
        }
        finally
        {
            Interop.Libc.Close(dirfd);
        }
    }

    /// <summary>
    /// RSS + swap of <paramref name="pid"/> in KiB, from /proc/PID/status, without allocating. The caller
    /// confirms afterwards (through a pidfd) that the process it means is still the one with this pid.
    /// </summary>
    public static bool TryReadUsedKiB(int pid, out long usedKiB, string procRoot = "/proc")
    {
        usedKiB = 0;
        Span<byte> path = stackalloc byte[FdIo.MaxPath];
        int len = Encoding.UTF8.GetBytes(procRoot, path);
        path[len++] = (byte)'/';
        len += Utf8Number.Format(pid, path[len..]);
        "/status"u8.CopyTo(path[len..]);
        len += 7;
        Span<byte> buffer = stackalloc byte[8192];
        int n = FdIo.ReadFileAt(Interop.Libc.AT_FDCWD, path[..len], buffer);
        if (n <= 0 || !ProcFs.TryParseStatus(buffer[..n], out ParsedStatus status))
        {
            return false;
        }

        usedKiB = status.RssAnon + status.RssFile + status.RssShmem + status.VmSwap;
        return true;
    }

    /// <summary>
    /// False when <paramref name="pid"/> is a thread of another process rather than a process (a pidfd opened with
    /// PIDFD_THREAD names a thread: its "Tgid:" is another pid). True when it is, or cannot be told (it exited).
    /// </summary>
    public static bool IsProcess(int pid, string procRoot = "/proc")
    {
        Span<byte> path = stackalloc byte[FdIo.MaxPath];
        int len = Encoding.UTF8.GetBytes(procRoot, path);
        path[len++] = (byte)'/';
        len += Utf8Number.Format(pid, path[len..]);
        "/status"u8.CopyTo(path[len..]);
        len += 7;
        Span<byte> buffer = stackalloc byte[8192];
        int n = FdIo.ReadFileAt(Interop.Libc.AT_FDCWD, path[..len], buffer);
        return n <= 0 || !ProcFs.TryParseStatus(buffer[..n], out ParsedStatus status) || status.Tgid == 0 || status.Tgid == pid;
    }

    /// <summary>The device and inode <paramref name="path"/> resolves to now (symlinks followed); unknown when missing.</summary>
    public static FileIdentity IdentityOf(string path)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(path);
        return FdIo.StatAt(Interop.Libc.AT_FDCWD, utf8, out Interop.Libc.Statx sx) == 0 ? FromStatx(in sx) : default;
    }

    private static FileIdentity FromStatx(in Interop.Libc.Statx sx) => sx.Identity;
}
