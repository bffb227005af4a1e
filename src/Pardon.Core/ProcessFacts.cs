// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// What the kernel knows about one process, as far as its OOM killer is concerned, plus the context
/// Pardon adds (identity, rules, growth). Instances are owned by a process table and reused from scan
/// to scan, so a steady-state scan allocates nothing: strings are set once, when the process is first
/// seen (or when it execs), and the numeric fields are overwritten in place.
/// </summary>
public sealed partial class ProcessFacts
{
    public int Pid { get; set; }

    public int Ppid { get; set; }

    public int Pgid { get; set; }

    public uint Uid { get; set; }

    /// <summary>Field 22 of /proc/PID/stat: clock ticks after boot. With the pid it names one process for life.</summary>
    public ulong StartTime { get; set; }

    /// <summary>The task's state letter from /proc/PID/stat (R, S, D, Z, ...).</summary>
    public char State { get; set; }

    public string Comm { get; set; } = "";

    /// <summary>The target of /proc/PID/exe, or null when it cannot be read (kernel threads, /proc/1/exe on hardened hosts).</summary>
    public string? Exe { get; set; }

    /// <summary>Device and inode of the executable (stat through /proc/PID/exe); zero when unknown.</summary>
    public FileIdentity ExeIdentity { get; set; }

    public string Cmdline { get; set; } = "";

    /// <summary>The process's memory cgroup path, relative to the hierarchy's root ("/user.slice/..."), or null.</summary>
    public string? Cgroup { get; set; }

    // get_mm_rss(mm) = MM_FILEPAGES + MM_ANONPAGES + MM_SHMEMPAGES (include/linux/mm.h), all in pages.
    public long RssAnonPages { get; set; }

    public long RssFilePages { get; set; }

    public long RssShmemPages { get; set; }

    /// <summary>MM_SWAPENTS: swap entries held by the process (VmSwap), in pages.</summary>
    public long SwapPages { get; set; }

    /// <summary>mm_pgtables_bytes(mm) (VmPTE), in bytes.</summary>
    public long PgTablesBytes { get; set; }

    public short OomScoreAdj { get; set; }

    public bool IsKernelThread { get; set; }

    /// <summary>False for zombies and exiting tasks: find_lock_task_mm() finds no mm and oom_badness() skips them.</summary>
    public bool HasMm { get; set; }

    /// <summary>A vfork child still sharing its parent's mm (in_vfork()): the kernel never selects it.</summary>
    public bool InVfork { get; set; }

    /// <summary>
    /// The position of this process in the kernel's own iteration order for the scope (creation order for the
    /// system; cgroup pre-order walk, then task order, for a memcg). On equal badness the kernel kills the
    /// process it meets last (oom_evaluate_task: "points &lt; chosen_points" skips only strictly smaller).
    /// </summary>
    public long IterationOrder { get; set; }

    /// <summary>Memory growth history kept across scans; see <see cref="GrowthHistory"/>.</summary>
    public GrowthHistory Growth;

    /// <summary>
    /// get_mm_rss(mm) exactly as the OOM killer reads it, or null when unknown (then the sum of the three
    /// counters above stands in). oom_badness() and /proc/PID/stat's rss field read the mm's per-CPU counters
    /// without summing them (percpu_counter_read_positive()), while status and statm print the precise sums
    /// (since "mm: fix the inaccurate memory statistics issue for users", Linux ~6.16): the two differ by up to
    /// the per-CPU batch × CPUs pages, enough to move oom_score across a rounding step. Measured against the
    /// live kernel in the end-to-end tests.
    /// </summary>
    public long? KernelRssPages { get; set; }

    public long RssPages => KernelRssPages ?? (RssAnonPages + RssFilePages + RssShmemPages);

    public override string ToString() => $"{Pid} ({Comm})";
}
