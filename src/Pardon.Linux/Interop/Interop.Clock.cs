// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // CLOCK_BOOTTIME counts suspend too, like the start_boottime behind /proc/PID/stat's starttime.
        internal const int CLOCK_MONOTONIC = 1;
        internal const int CLOCK_BOOTTIME = 7;
        internal const int _SC_CLK_TCK = 2;

        [StructLayout(LayoutKind.Sequential)]
        internal struct TimeSpec
        {
            internal long tv_sec;
            internal long tv_nsec;
        }

        [LibraryImport(LibraryName, EntryPoint = "clock_gettime", SetLastError = true)]
        internal static unsafe partial int ClockGetTime(int clockId, TimeSpec* ts);

        [LibraryImport(LibraryName, EntryPoint = "sysconf", SetLastError = true)]
        internal static partial long SysConf(int name);
    }
}
