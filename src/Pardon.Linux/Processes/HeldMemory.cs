// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Processes;

/// <summary>
/// The memory a process can actually hold, in KiB, as a pardon's ceiling counts it (docs/protocol.md,
/// "Ceilings"): RSS (anonymous, file, shared) and swap, plus shared-memory files — memfds, /dev/shm and other
/// tmpfs or hugetlbfs files, SysV segments, shared anonymous mappings — the process holds open or maps, which
/// RSS shows only while they are mapped and resident; and, when the process is alone in its own memory cgroup,
/// that cgroup's working set (usage minus inactive file cache).
/// </summary>
/// <param name="RssAnonKiB">RssAnon of /proc/PID/status.</param>
/// <param name="RssFileKiB">RssFile.</param>
/// <param name="RssShmemKiB">RssShmem: the resident pages of shared memory it maps.</param>
/// <param name="SwapKiB">VmSwap.</param>
/// <param name="ShmemFilesKiB">Memory allocated (st_blocks) to the distinct shared-memory files it holds open or maps.</param>
/// <param name="CgroupKiB">Its own cgroup's working set when it is alone there; -1 otherwise.</param>
/// <param name="Complete">False when it held more descriptors and mappings than are looked at (the figure is then a lower bound).</param>
public readonly record struct HeldMemory(long RssAnonKiB, long RssFileKiB, long RssShmemKiB, long SwapKiB, long ShmemFilesKiB, long CgroupKiB, bool Complete)
{
    /// <summary>RSS + swap, what a process scan sees.</summary>
    public long RssSwapKiB => RssAnonKiB + RssFileKiB + RssShmemKiB + SwapKiB;

    /// <summary>
    /// What the ceiling is compared with. Shared-memory files count once: their allocation stands in for the
    /// resident shared pages when it is larger (a mapped memfd's resident pages are part of both).
    /// </summary>
    public long HeldKiB => Math.Max(RssAnonKiB + RssFileKiB + SwapKiB + Math.Max(RssShmemKiB, ShmemFilesKiB), CgroupKiB);

    /// <summary>The part of <see cref="HeldKiB"/> a process scan does not see.</summary>
    public long OutsideRssKiB => Math.Max(0, HeldKiB - RssSwapKiB);
}
