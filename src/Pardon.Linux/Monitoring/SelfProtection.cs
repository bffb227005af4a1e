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
    /// uses); older kernels get the plain form. Returns 0 or −errno.
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
            return -errno;
        }

        return Interop.Libc.MlockAll(Interop.Libc.MCL_CURRENT | Interop.Libc.MCL_FUTURE) == 0 ? 0 : -Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// How much of the process's memory is resident and locked, in KiB (smaps_rollup's "Locked:"; see
    /// <see cref="Procfs.ProcFs.TryParseSmapsLocked"/> for why not VmLck). Null when it cannot be read.
    /// </summary>
    public static long? LockedKiB(string smapsRollupPath = "/proc/self/smaps_rollup")
    {
        try
        {
            byte[] text = File.ReadAllBytes(smapsRollupPath);
            return Procfs.ProcFs.TryParseSmapsLocked(text, out long kib) ? kib : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Gives the calling thread nice -20, so it runs as soon as it wakes even when every core is busy —
    /// precisely the situation in which memory runs out fastest. (.NET's Thread.Priority is a no-op on
    /// Linux.) Needs CAP_SYS_NICE or a suitable RLIMIT_NICE. Returns 0 or −errno.
    /// </summary>
    public static int RaiseThreadPriority(int nice = -20)
    {
        return Interop.Libc.SetPriority(Interop.Libc.PRIO_PROCESS, (uint)Interop.Libc.GetTid(), nice) == 0 ? 0 : -Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// Gives back the read-only file pages start-up touched (command-line parsing, configuration, one-off
    /// initialisation) before the daemon locks its memory: MADV_PAGEOUT on every non-writable file mapping.
    /// The monitor's and the kill path's own pages are touched again by the warm-up that follows and then
    /// locked, so what stays resident and locked is the working set, not the start-up. Pages another
    /// process also maps are left alone by the kernel. Returns how many mappings were advised.
    /// </summary>
    public static int ReleaseStartupPages(string mapsPath = "/proc/self/maps")
    {
        int advised = 0;
        foreach (string line in File.ReadLines(mapsPath))
        {
            // "start-end perms offset dev inode path" (proc_pid_maps(5)).
            string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || !fields[5].StartsWith('/') || fields[1].Contains('w'))
            {
                continue;
            }

            int dash = fields[0].IndexOf('-');
            if (dash < 0 ||
                !long.TryParse(fields[0].AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber, null, out long start) ||
                !long.TryParse(fields[0].AsSpan(dash + 1), System.Globalization.NumberStyles.HexNumber, null, out long end))
            {
                continue;
            }

            if (Interop.Libc.Madvise((nint)start, (nuint)(end - start), Interop.Libc.MADV_PAGEOUT) == 0)
            {
                advised++;
            }
        }

        return advised;
    }
}
