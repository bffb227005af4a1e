// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>What the kernel's hard cases need to know about a process (issue 10).</summary>
public sealed partial class ProcessFacts
{
    private bool? _globalInit;

    /// <summary>
    /// /proc/PID/stat field 24: get_mm_rss() from the per-CPU counters' shared part (approximate). Kept next
    /// to the precise sums so the counter the running kernel uses can be chosen, and changed, at any time.
    /// </summary>
    public long? ApproximateRssPages { get; set; }

    /// <summary>RssAnon + RssFile + RssShmem: get_mm_rss_sum(), the precise per-CPU sum.</summary>
    public long PreciseRssPages => RssAnonPages + RssFilePages + RssShmemPages;

    /// <summary>
    /// 0 when the memory figures come from the process itself; otherwise the id of the live thread they were
    /// read through, because the main thread has exited (a zombie leader) while another thread runs. The kernel
    /// scores such a process through any thread that still has the mm (oom_badness() → find_lock_task_mm()) and
    /// kills the whole thread group, so it is an ordinary candidate.
    /// </summary>
    public int MmThreadId { get; set; }

    /// <summary>
    /// is_global_init(): the initial pid namespace's init, never killed (oom_unkillable_task()). pid 1 of a
    /// container's namespace is an ordinary candidate; a table reading such a /proc sets this false for it.
    /// Defaults to "pid 1".
    /// </summary>
    public bool IsGlobalInit
    {
        get => _globalInit ?? Pid == 1;
        set => _globalInit = value;
    }

    /// <summary>
    /// Null when this process's place in the kernel's iteration order (<see cref="IterationOrder"/>) is known
    /// exactly relative to every other process. Otherwise processes that share a bucket are in an order Pardon
    /// cannot know (started within the same clock tick; the same cgroup v1 memcg, whose task list order
    /// cgroupfs does not show), while buckets themselves are in a known order. Equal badness within one bucket
    /// is a tie that cannot be called.
    /// </summary>
    public long? OrderBucket { get; set; }

    /// <summary>
    /// SIGKILL pending (SigPnd/ShdPnd of /proc/PID/status): the process is being killed. If the kernel's OOM
    /// killer sent it (tsk_is_oom_victim(), invisible from userspace), a new OOM in a scope that holds it kills
    /// nobody until it is gone or reaped (oom_evaluate_task() aborts).
    /// </summary>
    public bool SigKillPending { get; set; }
}
