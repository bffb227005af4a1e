// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// Which reading of an mm's rss counters the running kernel's oom_badness() uses. Since "mm: convert mm's
/// rss stats into percpu_counter" (Linux 6.2) the counters are per-CPU: get_mm_counter() reads the shared
/// part only (percpu_counter_read_positive(), approximate — /proc/PID/stat field 24 shows it), and
/// get_mm_counter_sum() adds every CPU's residue (precise — /proc/PID/statm and status since "mm: fix the
/// inaccurate memory statistics issue for users", ~6.16). oom_badness() read the approximate figure until
/// "mm: fix OOM killer inaccuracy on large many-core systems" (5898aa8f9a0b, 2026, Cc stable) made it
/// get_mm_rss_sum(): the precise one.
/// </summary>
public enum RssCounter
{
    /// <summary>/proc/PID/stat field 24: the per-CPU counters' shared part (oom_badness() before 5898aa8f9a0b).</summary>
    Approximate,

    /// <summary>RssAnon + RssFile + RssShmem of /proc/PID/status (= statm's resident): the per-CPU sums.</summary>
    Precise,
}
