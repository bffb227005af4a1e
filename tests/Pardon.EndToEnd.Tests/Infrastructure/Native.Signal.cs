// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

namespace Pardon.EndToEnd.Tests.Infrastructure;

internal static partial class Native
{
    public const int SIGTERM = 15;

    /// <summary>
    /// Sends <paramref name="signal"/> to <paramref name="pid"/> through a pidfd, once <paramref name="stillOurs"/>
    /// confirms — with the pidfd open — that the pid still names the process meant (as <see cref="Kill"/>).
    /// Returns false when the process is already gone.
    /// </summary>
    public static bool Signal(int pid, int signal, Func<bool> stillOurs)
    {
        int pidfd = pidfd_open(pid, 0);
        if (pidfd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno == ESRCH ? false : throw new IOException($"pidfd_open({pid}): errno {errno}");
        }

        try
        {
            return stillOurs() && pidfd_send_signal(pidfd, signal, IntPtr.Zero, 0) == 0;
        }
        finally
        {
            close(pidfd);
        }
    }
}
