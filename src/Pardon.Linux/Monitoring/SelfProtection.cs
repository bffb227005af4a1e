// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

namespace Pardon.Linux.Monitoring;

/// <summary>What the daemon does to itself so that it keeps working when memory is gone.</summary>
public static class SelfProtection
{
    /// <summary>
    /// mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT): none of the daemon's pages can be reclaimed, so it
    /// never waits on page faults when the machine thrashes. MCL_ONFAULT (Linux 4.4) locks pages as they are
    /// touched instead of populating every mapping (the runtime reserves far more address space than it
    /// uses); older kernels get the plain form. Returns 0 or the errno.
    /// </summary>
    public static int LockMemory()
    {
        if (Interop.Libc.MlockAll(Interop.Libc.MCL_CURRENT | Interop.Libc.MCL_FUTURE | Interop.Libc.MCL_ONFAULT) == 0)
        {
            return 0;
        }

        int errno = Marshal.GetLastPInvokeError();
        if (errno != Interop.Errno.EINVAL)
        {
            return errno;
        }

        return Interop.Libc.MlockAll(Interop.Libc.MCL_CURRENT | Interop.Libc.MCL_FUTURE) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
