// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// The kernel's OOM arithmetic, reproduced exactly (mm/oom_kill.c oom_badness(), select_bad_process(),
/// fs/proc/base.c proc_oom_score()). Every figure is in pages and uses C's signed 64-bit arithmetic,
/// which truncates toward zero like C#'s.
/// </summary>
public static class KernelOom
{
    /// <summary>OOM_SCORE_ADJ_MIN (include/uapi/linux/oom.h): the process is never chosen.</summary>
    public const short OomScoreAdjMin = -1000;

    public const short OomScoreAdjMax = 1000;

    /// <summary>oom_badness() returns LONG_MIN for a task the OOM killer must not consider.</summary>
    public const long Ineligible = long.MinValue;

    /// <summary>
    /// Why the kernel would not consider a process, or <see cref="KernelIneligibility.None"/>.
    /// Mirrors the early returns of oom_badness() and oom_unkillable_task().
    /// </summary>
    public static KernelIneligibility GetIneligibility(ProcessFacts p)
    {
        // oom_unkillable_task(): is_global_init(p) || (p->flags & PF_KTHREAD). is_global_init() is the
        // initial pid namespace's pid 1 only: a container's init is an ordinary candidate.
        if (p.IsGlobalInit)
        {
            return KernelIneligibility.Init;
        }

        if (p.IsKernelThread)
        {
            return KernelIneligibility.KernelThread;
        }

        // find_lock_task_mm() == NULL: no thread of the group still has the mm (a zombie whose threads all
        // exited, or a task past exit_mm()). A zombie leader with a live thread has one: HasMm is then true,
        // read through that thread (ProcessFacts.MmThreadId).
        if (!p.HasMm)
        {
            return KernelIneligibility.NoMm;
        }

        // "Do not even consider tasks which are explicitly marked oom unkillable or have been already
        // oom reaped or are in the middle of vfork" (oom_badness()).
        if (p.OomScoreAdj == OomScoreAdjMin)
        {
            return KernelIneligibility.OomScoreAdjMin;
        }

        if (p.InVfork)
        {
            return KernelIneligibility.InVfork;
        }

        return KernelIneligibility.None;
    }

    /// <summary>
    /// oom_badness(): rss + swap entries + page tables, plus oom_score_adj in thousandths of
    /// <paramref name="totalPages"/>. Returns <see cref="Ineligible"/> for a task the kernel skips.
    /// </summary>
    public static long Badness(ProcessFacts p, long totalPages, long pageSize)
    {
        if (GetIneligibility(p) != KernelIneligibility.None)
        {
            return Ineligible;
        }

        return Badness(p.RssPages, p.SwapPages, p.PgTablesBytes, p.OomScoreAdj, totalPages, pageSize);
    }

    /// <summary>The arithmetic of oom_badness() for an eligible task.</summary>
    public static long Badness(long rssPages, long swapPages, long pgTablesBytes, short oomScoreAdj, long totalPages, long pageSize)
    {
        // points = get_mm_rss(p->mm) + get_mm_counter(p->mm, MM_SWAPENTS) + mm_pgtables_bytes(p->mm) / PAGE_SIZE;
        long points = rssPages + swapPages + (pgTablesBytes / pageSize);

        // adj *= totalpages / 1000; points += adj;  — the division is unsigned and happens first.
        long adj = oomScoreAdj;
        adj *= (long)((ulong)totalPages / 1000UL);
        return points + adj;
    }

    /// <summary>
    /// proc_oom_score(): what /proc/PID/oom_score shows, always against the system's totalpages
    /// (totalram_pages() + total_swap_pages), even for tasks in a memory cgroup. 0 when ineligible.
    /// </summary>
    public static long OomScore(long badnessAgainstSystem, long systemTotalPages)
    {
        if (badnessAgainstSystem == Ineligible || systemTotalPages <= 0)
        {
            return 0;
        }

        // points = (1000 + badness * 1000 / (long)totalpages) * 2 / 3;  (range 0..2000 since 5.9)
        return (1000 + (badnessAgainstSystem * 1000 / systemTotalPages)) * 2 / 3;
    }

    /// <summary>
    /// select_bad_process() over <paramref name="badness"/> given in the kernel's iteration order: the
    /// highest badness wins, and on a tie the one met later wins, because oom_evaluate_task() only skips
    /// "points &lt; chosen_points". Returns the index of the victim, or -1 when nobody is eligible.
    /// </summary>
    public static int SelectVictim(ReadOnlySpan<long> badness)
    {
        int chosen = -1;
        long chosenPoints = long.MinValue;
        for (int i = 0; i < badness.Length; i++)
        {
            long points = badness[i];
            if (points == Ineligible || points < chosenPoints)
            {
                continue;
            }

            chosen = i;
            chosenPoints = points;
        }

        return chosen;
    }

    /// <summary>
    /// The candidates that may be the kernel's victim instead of <paramref name="victim"/> (the index
    /// <see cref="SelectVictim"/> returned): equal badness and an order relative to it that cannot be known
    /// (the same <see cref="ProcessFacts.OrderBucket"/>). A candidate of equal badness in an earlier bucket is
    /// met before the victim and loses to it; one in a later bucket would have been listed after it.
    /// Returns how many indices were written to <paramref name="into"/> (at most its length).
    /// </summary>
    public static int TiesWithVictim(ReadOnlySpan<long> badness, ReadOnlySpan<ProcessFacts> processes, int victim, Span<int> into)
    {
        if (victim < 0 || processes[victim].OrderBucket is not long bucket)
        {
            return 0;
        }

        int n = 0;
        for (int i = 0; i < badness.Length && n < into.Length; i++)
        {
            if (i != victim && badness[i] == badness[victim] && processes[i].OrderBucket == bucket)
            {
                into[n++] = i;
            }
        }

        return n;
    }

    /// <summary>
    /// The candidates that could still overtake <paramref name="victim"/> because reclaim runs first: before a
    /// memcg or system OOM selects, reclaim (try_to_free_mem_cgroup_pages(), the page allocator's direct
    /// reclaim) may unmap file pages, which lowers a process's rss (MM_FILEPAGES) and so its badness. The
    /// victim can lose at most its mapped file pages; another candidate that would then be level with it or
    /// ahead is a close call. Not counted: those already returned by <see cref="TiesWithVictim"/>.
    /// Returns how many indices were written to <paramref name="into"/>.
    /// </summary>
    public static int CloseCallsWithVictim(ReadOnlySpan<long> badness, ReadOnlySpan<ProcessFacts> processes, int victim, ReadOnlySpan<int> ties, Span<int> into)
    {
        if (victim < 0)
        {
            return 0;
        }

        long floor = badness[victim] - processes[victim].RssFilePages;
        int n = 0;
        for (int i = 0; i < badness.Length && n < into.Length; i++)
        {
            if (i != victim && badness[i] != Ineligible && badness[i] >= floor && !ties.Contains(i))
            {
                into[n++] = i;
            }
        }

        return n;
    }
}
