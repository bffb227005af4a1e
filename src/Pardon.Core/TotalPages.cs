// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// oc->totalpages, the denominator of oom_score_adj, computed as the kernel does for each kind of OOM.
/// </summary>
public static class TotalPages
{
    /// <summary>
    /// PAGE_COUNTER_MAX: a page counter's "no limit" (LONG_MAX / PAGE_SIZE). cgroup v1 shows it as
    /// 9223372036854771712 bytes in memory.limit_in_bytes; v2 as "max".
    /// </summary>
    public static long PageCounterMax(long pageSize) => long.MaxValue / pageSize;

    /// <summary>
    /// Global OOM and /proc/PID/oom_score: totalram_pages() + total_swap_pages. /proc/meminfo's MemTotal
    /// is totalram_pages() and SwapTotal is total_swap_pages (plus pages being swapped off, which only
    /// differ during swapoff), both in KiB.
    /// </summary>
    public static long ForSystem(long memTotalKiB, long swapTotalKiB, long pageSize)
    {
        long kibPerPage = pageSize / 1024;
        return (memTotalKiB / kibPerPage) + (swapTotalKiB / kibPerPage);
    }

    /// <summary>
    /// mem_cgroup_get_max() for cgroup v1 (memsw accounting on): the memory limit, plus, when the
    /// cgroup's swappiness is non-zero, the swap the memsw limit allows on top of it, capped by the
    /// swap that exists: <c>max += min(memsw.max - max, total_swap_pages)</c>.
    /// </summary>
    /// <param name="limitPages">memory.limit_in_bytes / PAGE_SIZE.</param>
    /// <param name="memswLimitPages">memory.memsw.limit_in_bytes / PAGE_SIZE, or null without memsw accounting.</param>
    public static long ForCgroupV1(long limitPages, long? memswLimitPages, int swappiness, long totalSwapPages)
    {
        long max = limitPages;
        if (swappiness != 0)
        {
            if (memswLimitPages is long memsw)
            {
                // Page counters are unsigned long in the kernel; memsw.max < max cannot be configured
                // (the write is refused), so the subtraction does not wrap in practice.
                long swap = memsw - max;
                max += Math.Min(Math.Max(swap, 0), totalSwapPages);
            }
            else
            {
                max += totalSwapPages;
            }
        }

        // oc->totalpages = mem_cgroup_get_max(oc->memcg) ?: 1;
        return max == 0 ? 1 : max;
    }

    /// <summary>
    /// mem_cgroup_get_max() for cgroup v2: <c>memory.max</c> plus, with swappiness non-zero,
    /// <c>min(memory.swap.max, total_swap_pages)</c>.
    /// </summary>
    public static long ForCgroupV2(long maxPages, long swapMaxPages, int swappiness, long totalSwapPages)
    {
        long max = maxPages;
        if (swappiness != 0)
        {
            max += Math.Min(swapMaxPages, totalSwapPages);
        }

        return max == 0 ? 1 : max;
    }
}
