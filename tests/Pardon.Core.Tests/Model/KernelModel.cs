// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests.Model;

/// <summary>
/// A small reference model of the kernel's OOM decisions, written straight from its functions and kept
/// deliberately naive (C's unsigned and signed types spelled out, page-by-page simulation where the kernel
/// walks counters), so that Pardon's implementation can be checked against it on random inputs.
/// </summary>
internal static class KernelModel
{
    private const long LongMin = long.MinValue;

    /// <summary>
    /// mm/oom_kill.c oom_badness(): LONG_MIN for oom_unkillable_task() (is_global_init, PF_KTHREAD), no mm
    /// (find_lock_task_mm() NULL), OOM_SCORE_ADJ_MIN, MMF_OOM_SKIP (not modelled) and in_vfork().
    /// </summary>
    public static long OomBadness(ModelTask p, ulong totalpages, ulong pageSize)
    {
        if (p.GlobalInit || p.KernelThread)
        {
            return LongMin;
        }

        if (!p.HasMm)
        {
            return LongMin;
        }

        if (p.Adj == -1000 || p.InVfork)
        {
            return LongMin;
        }

        // points = get_mm_rss(p->mm) + get_mm_counter(p->mm, MM_SWAPENTS) + mm_pgtables_bytes(p->mm) / PAGE_SIZE;
        long points = p.Rss + p.Swap + (long)((ulong)p.PgTablesBytes / pageSize);

        // adj = (long)p->signal->oom_score_adj; adj *= totalpages / 1000; points += adj;
        long adj = p.Adj;
        unchecked
        {
            adj *= (long)(totalpages / 1000UL);
        }

        return points + adj;
    }

    /// <summary>fs/proc/base.c proc_oom_score(): 0 for LONG_MIN, else (1000 + points * 1000 / totalpages) * 2 / 3.</summary>
    public static long ProcOomScore(long badness, ulong totalpages)
    {
        if (badness == LongMin)
        {
            return 0;
        }

        return (1000 + (badness * 1000 / (long)totalpages)) * 2 / 3;
    }

    /// <summary>select_bad_process() / oom_evaluate_task(): chosen_points starts at LONG_MIN; skip LONG_MIN and "points &lt; chosen_points".</summary>
    public static int SelectBadProcess(IReadOnlyList<long> points)
    {
        int chosen = -1;
        long chosenPoints = LongMin;
        for (int i = 0; i < points.Count; i++)
        {
            if (points[i] == LongMin)
            {
                continue;
            }

            if (points[i] < chosenPoints)
            {
                continue;
            }

            chosen = i;
            chosenPoints = points[i];
        }

        return chosen;
    }

    /// <summary>mm/memcontrol.c mem_cgroup_get_max(), v1 (do_memsw_account()), with "?: 1" from constrained_alloc().</summary>
    public static ulong MemcgTotalPagesV1(ulong memoryMax, ulong memswMax, int swappiness, ulong totalSwapPages)
    {
        ulong max = memoryMax;
        if (swappiness != 0)
        {
            ulong swap = memswMax - max;
            max += Math.Min(swap, totalSwapPages);
        }

        return max == 0 ? 1 : max;
    }

    /// <summary>mem_cgroup_get_max() on the default hierarchy (v2).</summary>
    public static ulong MemcgTotalPagesV2(ulong memoryMax, ulong swapMax, int swappiness, ulong totalSwapPages)
    {
        ulong max = memoryMax;
        if (swappiness != 0)
        {
            max += Math.Min(swapMax, totalSwapPages);
        }

        return max == 0 ? 1 : max;
    }

    /// <summary>
    /// try_charge_memcg() one page at a time into level 0 (reclaim finds nothing): the memsw counters walked up
    /// first, then the memory counters (page_counter_try_charge()); returns the level whose counter fails
    /// first (mem_over_limit), or -1 if none fails within <paramref name="maxPages"/>. Limits and usage in
    /// pages; null limit = PAGE_COUNTER_MAX.
    /// </summary>
    public static int FirstToFail(IReadOnlyList<(long? Limit, long Usage, long? MemswLimit, long MemswUsage)> levels, long maxPages)
    {
        long[] usage = [.. levels.Select(l => l.Usage)];
        long[] memsw = [.. levels.Select(l => l.MemswUsage)];
        for (long page = 0; page < maxPages; page++)
        {
            for (int i = 0; i < levels.Count; i++)
            {
                if (levels[i].MemswLimit is long m && memsw[i] + 1 > m)
                {
                    return i;
                }
            }

            for (int i = 0; i < levels.Count; i++)
            {
                if (levels[i].Limit is long l && usage[i] + 1 > l)
                {
                    return i;
                }
            }

            for (int i = 0; i < levels.Count; i++)
            {
                usage[i]++;
                memsw[i]++;
            }
        }

        return -1;
    }
}
