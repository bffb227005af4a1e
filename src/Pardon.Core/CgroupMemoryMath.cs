// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// How much memory a memory cgroup has left before its own OOM killer fires, from the figures cgroupfs
/// shows. Pure arithmetic, so it is tested without a kernel.
/// </summary>
public static class CgroupMemoryMath
{
    /// <summary>
    /// limit − usage + inactive file pages: the usage counter includes page cache, and the inactive part
    /// of it is what reclaim frees first before the charge fails (mm/vmscan.c). The result never exceeds
    /// the limit, and never exceeds what the machine itself has available: a cgroup whose limit is larger
    /// than free RAM runs into the system's OOM first.
    /// </summary>
    /// <param name="limitBytes">The effective limit (the tightest along the ancestry); long.MaxValue when none.</param>
    /// <param name="swapLimitBytes">The swap the cgroup may use, or null when it is not limited separately.</param>
    public static MemorySample Compute(
        long limitBytes,
        long usageBytes,
        long inactiveFileBytes,
        long? swapLimitBytes,
        long swapUsageBytes,
        long systemMemTotalKiB,
        long systemMemAvailableKiB,
        long systemSwapTotalKiB,
        long systemSwapFreeKiB,
        long nowMs)
    {
        long totalKiB = Math.Min(limitBytes / 1024, systemMemTotalKiB);
        long availableKiB = totalKiB - (usageBytes / 1024) + (inactiveFileBytes / 1024);
        availableKiB = Math.Clamp(availableKiB, 0, totalKiB);
        availableKiB = Math.Min(availableKiB, systemMemAvailableKiB);

        long swapTotalKiB = systemSwapTotalKiB;
        long swapFreeKiB = systemSwapFreeKiB;
        if (swapLimitBytes is long swapLimit)
        {
            swapTotalKiB = Math.Min(swapLimit / 1024, systemSwapTotalKiB);
            swapFreeKiB = Math.Clamp(swapTotalKiB - (swapUsageBytes / 1024), 0, swapTotalKiB);
            swapFreeKiB = Math.Min(swapFreeKiB, systemSwapFreeKiB);
        }

        return new MemorySample(totalKiB, availableKiB, swapTotalKiB, swapFreeKiB, nowMs);
    }

    /// <summary>True when a cgroup figure in bytes means "no limit" (v1 prints PAGE_COUNTER_MAX pages in bytes).</summary>
    public static bool IsUnlimited(long bytes, long pageSize) => bytes >= TotalPages.PageCounterMax(pageSize) * pageSize;
}
