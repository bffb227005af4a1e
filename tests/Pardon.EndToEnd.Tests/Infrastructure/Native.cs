// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The few system calls the fixtures need, kept apart from the product's own interop so that cleaning up
/// after a test never depends on the code under test.
/// </summary>
internal static partial class Native
{
    public const int SIGKILL = 9;
    private const int ESRCH = 3;

    /// <summary>
    /// Sends SIGKILL to <paramref name="pid"/> through a pidfd, after <paramref name="stillOurs"/> confirms —
    /// with the pidfd already open — that the pid still names the process meant: a pid recycled in between
    /// is then never signalled. Returns false when the process is already gone.
    /// </summary>
    public static bool Kill(int pid, Func<bool> stillOurs)
    {
        int pidfd;
        try
        {
            pidfd = pidfd_open(pid, 0);
        }
        catch (EntryPointNotFoundException)
        {
            // glibc before 2.36: no wrapper. kill(2) right after the membership check instead.
            return stillOurs() && kill(pid, SIGKILL) == 0;
        }

        if (pidfd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno == ESRCH ? false : throw new IOException($"pidfd_open({pid}): errno {errno}");
        }

        try
        {
            return stillOurs() && pidfd_send_signal(pidfd, SIGKILL, IntPtr.Zero, 0) == 0;
        }
        finally
        {
            close(pidfd);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pidfd_open(int pid, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int pidfd_send_signal(int pidfd, int sig, IntPtr info, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
