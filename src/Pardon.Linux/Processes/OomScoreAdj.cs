// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Io;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Processes;

/// <summary>
/// /proc/PID/oom_score_adj (-1000..1000), the kernel's own knob: -1000 makes a process immune to the
/// kernel's OOM killer. fs/proc/base.c __set_oom_adj(): a value below the task's floor
/// (oom_score_adj_min, 0 unless a privileged writer lowered it) needs CAP_SYS_RESOURCE, even for root, and
/// fails with EACCES otherwise; raising is always allowed. A privileged write also moves the floor to the
/// value written, so restoring the old value with the capability puts the old floor back too.
/// </summary>
public static class OomScoreAdj
{
    public const short Min = -1000;

    public const short Max = 1000;

    /// <summary>The result (−EACCES) of a write the kernel refused for want of CAP_SYS_RESOURCE.</summary>
    public const int NotPermitted = -Interop.Errno.EACCES;

    /// <summary>The result (−ESRCH) of a write to a process that has exited.</summary>
    public const int Gone = -Interop.Errno.ESRCH;

    public static bool TryRead(int pid, out short value, string procRoot = "/proc")
    {
        value = 0;
        Span<byte> buffer = stackalloc byte[16];
        int n = FdIo.ReadFileAt(Interop.Libc.AT_FDCWD, System.Text.Encoding.UTF8.GetBytes($"{procRoot}/{pid}/oom_score_adj"), buffer);
        return n > 0 && ProcFs.TryParseOomScoreAdj(buffer[..n], out value);
    }

    /// <summary>
    /// Writes <paramref name="value"/> to the oom_score_adj of the process <paramref name="process"/> pins.
    /// Returns 0, <see cref="NotPermitted"/> (−EACCES: lowering below the floor without CAP_SYS_RESOURCE — a
    /// capability fact, not a fault), <see cref="Gone"/> (−ESRCH: it exited), or another −errno.
    /// </summary>
    public static int Write(PidFd process, short value, string procRoot = "/proc")
    {
        if (value is < Min or > Max)
        {
            return -Interop.Errno.EINVAL;
        }

        // Open /proc/PID first, then check the pidfd: if the process is still alive after the open, the
        // directory names it, and a file opened through it can only reach it (ESRCH once it is gone) —
        // never a later process that got the same pid.
        int dirfd = FdIo.Open($"{procRoot}/{process.Pid}", Interop.Libc.O_PATH | Interop.Libc.O_DIRECTORY);
        if (dirfd < 0)
        {
            return dirfd == -Interop.Errno.ENOENT ? Gone : dirfd;
        }

        try
        {
            if (process.HasExited)
            {
                return Gone;
            }

            int fd = FdIo.OpenAt(dirfd, "oom_score_adj"u8, Interop.Libc.O_WRONLY);
            if (fd < 0)
            {
                return fd;
            }

            try
            {
                Span<byte> text = stackalloc byte[8];
                int len = Utf8Number.Format(value, text);
                return FdIo.Write(fd, text[..len]);
            }
            finally
            {
                Interop.Libc.Close(fd);
            }
        }
        finally
        {
            Interop.Libc.Close(dirfd);
        }
    }
}
