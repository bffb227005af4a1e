// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Io;

/// <summary>The clocks Pardon measures with.</summary>
public static unsafe class Clock
{
    private static readonly long s_clockTicksPerSecond = ReadClockTicks();

    /// <summary>USER_HZ, the unit of /proc/PID/stat's starttime (sysconf(_SC_CLK_TCK), 100 on every Linux in practice).</summary>
    public static long ClockTicksPerSecond => s_clockTicksPerSecond;

    /// <summary>Milliseconds since boot on CLOCK_BOOTTIME, the clock behind a process's starttime.</summary>
    public static long BootTimeMs()
    {
        Interop.Libc.TimeSpec ts;
        Interop.Libc.ClockGetTime(Interop.Libc.CLOCK_BOOTTIME, &ts);
        return (ts.tv_sec * 1000) + (ts.tv_nsec / 1_000_000);
    }

    /// <summary>A process's start time, converted from clock ticks to boot-clock milliseconds.</summary>
    public static long StartTimeToMs(ulong startTimeTicks) => (long)(startTimeTicks * 1000UL / (ulong)s_clockTicksPerSecond);

    private static long ReadClockTicks()
    {
        long ticks = Interop.Libc.SysConf(Interop.Libc._SC_CLK_TCK);
        return ticks > 0 ? ticks : 100;
    }
}
