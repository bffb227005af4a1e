// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;
using Pardon.Linux.Io;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Processes;

/// <summary>
/// A pidfd (pidfd_open(2), Linux 5.3+): a handle on one process for its whole life. A signal sent through
/// it can never reach another process that later gets the same pid, and it becomes readable (POLLIN)
/// when the process exits — how Pardon waits for a victim and notices that a pardoned process ended.
/// </summary>
public sealed class PidFd : IDisposable
{
    private readonly SafeFdHandle _handle;

    private PidFd(SafeFdHandle handle, int pid, ulong startTime)
    {
        _handle = handle;
        Pid = pid;
        StartTime = startTime;
    }

    public int Pid { get; }

    /// <summary>The start time verified after opening (clock ticks after boot), so the handle names the intended process.</summary>
    public ulong StartTime { get; }

    /// <summary>The raw descriptor, for poll(2) sets. Valid while this object is not disposed.</summary>
    public int Fd => _handle.Fd;

    /// <summary>
    /// Opens a pidfd for <paramref name="pid"/> and checks, through /proc, that the process it names
    /// started at <paramref name="expectedStartTime"/> (when given). Between a scan and the open the pid
    /// could have been recycled; the check after the open closes that window, because the pidfd now pins
    /// whichever process it found. Returns null when the process is gone or is another one; errno says which.
    /// </summary>
    public static PidFd? TryOpen(int pid, ulong? expectedStartTime, out int errno, string procRoot = "/proc")
    {
        int fd = Interop.Libc.PidfdOpen(pid, 0);
        if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }

        var handle = new SafeFdHandle(fd);
        if (!TryReadStartTime(pid, procRoot, out ulong startTime) ||
            (expectedStartTime is ulong expected && expected != startTime))
        {
            handle.Dispose();
            errno = Interop.Errno.ESRCH;
            return null;
        }

        // The pidfd was opened before the start time was read: if the process had exited in between, the
        // stat read would have failed or shown a newer process. Either way we did not accept it.
        errno = 0;
        return new PidFd(handle, pid, startTime);
    }

    /// <summary>pidfd_send_signal(2). Returns 0 or an errno (ESRCH once the process has exited).</summary>
    public int SendSignal(int signal)
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            return Interop.Libc.PidfdSendSignal(_handle.Fd, signal) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// process_mrelease(2), Linux 5.15+: reaps the memory of a process already dying from SIGKILL now,
    /// instead of when its exit completes (mm/oom_kill.c: it must have a fatal signal pending). 0 or errno.
    /// </summary>
    public int ReleaseMemory()
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            return Interop.Libc.ProcessMrelease(_handle.Fd) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for the process to exit. True when it has.</summary>
    /// <remarks>
    /// The descriptor is held (AddRef) for the whole wait, so a Dispose on another thread cannot close it
    /// under the poll — a closed and reused descriptor number would make the poll watch another file.
    /// </remarks>
    public unsafe bool WaitForExit(int timeoutMs)
    {
        bool added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            Interop.Libc.PollFd pfd = new() { fd = _handle.Fd, events = Interop.Libc.POLLIN };
            while (true)
            {
                int rc = Interop.Libc.Poll(&pfd, 1, timeoutMs);
                if (rc > 0)
                {
                    return (pfd.revents & (Interop.Libc.POLLIN | Interop.Libc.POLLHUP | Interop.Libc.POLLERR)) != 0;
                }

                if (rc == 0)
                {
                    return false;
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

    /// <summary>True when the process has exited (the pidfd is readable), without waiting.</summary>
    public bool HasExited => WaitForExit(0);

    private static bool TryReadStartTime(int pid, string procRoot, out ulong startTime)
    {
        startTime = 0;
        Span<byte> path = stackalloc byte[64];
        int len = Utf8Number.Format(pid, path);
        "/stat"u8.CopyTo(path[len..]);
        len += 5;
        Span<byte> buffer = stackalloc byte[1024];
        int dirfd = FdIo.Open(procRoot, Interop.Libc.O_RDONLY | Interop.Libc.O_DIRECTORY);
        if (dirfd < 0)
        {
            return false;
        }

        try
        {
            int n = FdIo.ReadFileAt(dirfd, path[..len], buffer);
            if (n <= 0 || !ProcFs.TryParseStat(buffer[..n], out ParsedStat stat))
            {
                return false;
            }

            startTime = stat.starttime;
            return true;
        }
        finally
        {
            Interop.Libc.Close(dirfd);
        }
    }

    public void Dispose() => _handle.Dispose();
}
