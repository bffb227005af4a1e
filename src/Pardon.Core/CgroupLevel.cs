// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// One memory cgroup between a scope and the hierarchy's root, with the counters the kernel charges: a page
/// charged to a memcg is charged to every ancestor too (page_counter_try_charge() walks the counter's parents),
/// so each level fails at its own limit, whatever the level below it allows.
/// </summary>
/// <param name="Path">The cgroup directory.</param>
/// <param name="LimitBytes">memory.limit_in_bytes (v1) or memory.max (v2); long.MaxValue when unlimited.</param>
/// <param name="UsageBytes">memory.usage_in_bytes (v1) or memory.current (v2): the page counter, the subtree's charge.</param>
/// <param name="ReclaimableBytes">The subtree's inactive file pages: what reclaim frees first before the charge fails.</param>
/// <param name="MemswLimitBytes">v1 memory.memsw.limit_in_bytes; long.MaxValue when unlimited or not accounted.</param>
/// <param name="MemswUsageBytes">v1 memory.memsw.usage_in_bytes; 0 when not accounted.</param>
public readonly record struct CgroupLevel(
    string Path,
    long LimitBytes,
    long UsageBytes,
    long ReclaimableBytes = 0,
    long MemswLimitBytes = long.MaxValue,
    long MemswUsageBytes = 0)
{
    public bool Limited => LimitBytes != long.MaxValue || MemswLimitBytes != long.MaxValue;

    /// <summary>
    /// How much more this level can be charged before its counter fails and reclaim cannot make room: the
    /// smaller of the memory and the memory+swap counters' margins (v1 try_charge_memcg() tries memsw first,
    /// then memory; either failing makes this memcg mem_over_limit). long.MaxValue when unlimited.
    /// </summary>
    public long HeadroomBytes => Math.Min(MemoryHeadroomBytes, MemswHeadroomBytes);

    /// <summary>The memory counter's margin: limit − usage + reclaimable; long.MaxValue when unlimited.</summary>
    public long MemoryHeadroomBytes => LimitBytes == long.MaxValue ? long.MaxValue : LimitBytes - UsageBytes + ReclaimableBytes;

    /// <summary>The memory+swap counter's margin (v1); long.MaxValue when unlimited or not accounted.</summary>
    public long MemswHeadroomBytes => MemswLimitBytes == long.MaxValue ? long.MaxValue : MemswLimitBytes - MemswUsageBytes + ReclaimableBytes;
}
