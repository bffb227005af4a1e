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

    /// <summary>
    /// The memcg whose OOM strikes first for memory charged in a scope: of the scope (index 0) and its
    /// ancestors (nearest first), the one whose counter fails first as charges grow, i.e. the least headroom.
    /// try_charge_memcg() charges the memory+swap counters first (v1, do_memsw_account()) and then the memory
    /// counters, each walking from the charged memcg up (page_counter_try_charge()); the first counter over its
    /// limit makes its memcg mem_over_limit, which is reclaimed and then OOM-killed (mem_cgroup_oom() →
    /// mem_cgroup_out_of_memory()). So on equal headroom a memsw counter fails before a memory counter, and a
    /// nearer level before a farther one. Charges come in batches of MEMCG_CHARGE_BATCH (64 pages) and
    /// per-CPU stocks, so headrooms within 256 KiB of each other are a close call. Returns -1 when no level has
    /// a limit (only the global OOM killer can act).
    /// </summary>
    public static int SelectOomingLevel(ReadOnlySpan<CgroupLevel> levels)
    {
        int chosen = -1;
        long least = long.MaxValue;
        bool chosenIsMemsw = false;
        for (int i = 0; i < levels.Length; i++)
        {
            // The memsw walk comes first, so within one level memsw wins a tie with memory too.
            Consider(i, levels[i].MemswHeadroomBytes, memsw: true);
            Consider(i, levels[i].MemoryHeadroomBytes, memsw: false);
        }

        return chosen;

        void Consider(int index, long headroom, bool memsw)
        {
            if (headroom == long.MaxValue)
            {
                return;
            }

            // Strictly less wins; on a tie a memsw counter beats a memory counter met earlier (the memsw walk
            // runs whole before the memory walk), and otherwise the earlier (nearer) level stays.
            if (chosen < 0 || headroom < least || (headroom == least && memsw && !chosenIsMemsw))
            {
                chosen = index;
                least = headroom;
                chosenIsMemsw = memsw;
            }
        }
    }

    /// <summary>
    /// The warning the daemon gives when an ancestor of its scope has less headroom than the scope itself: the
    /// kernel's OOM will strike there first, and may kill a process outside the scope (it scans the ancestor's
    /// whole subtree, siblings included: mem_cgroup_scan_tasks()). Null when the scope's own limit bites first.
    /// </summary>
    public static string? AncestorWarning(ReadOnlySpan<CgroupLevel> levels)
    {
        int ooming = SelectOomingLevel(levels);
        if (ooming <= 0)
        {
            return null;
        }

        CgroupLevel scope = levels[0];
        CgroupLevel ancestor = levels[ooming];
        string here = scope.Limited
            ? $"{Units.FormatKiB(Math.Max(0, scope.HeadroomBytes) / 1024)} left under its own limit"
            : "no limit of its own";
        return $"cgroup {scope.Path}: its ancestor {ancestor.Path} has less headroom ({Units.FormatKiB(Math.Max(0, ancestor.HeadroomBytes) / 1024)} " +
            $"left of {Units.FormatKiB(Math.Min(ancestor.LimitBytes, ancestor.MemswLimitBytes) / 1024)}; the scope has {here}): the kernel's OOM will strike {ancestor.Path} first, " +
            "and it may kill a process outside this scope (it scans that cgroup's whole subtree, siblings included); " +
            "pressure there can come from outside this scope, so watch that cgroup too";
    }
}
