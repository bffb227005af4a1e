// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// One reading of a scope's memory, in KiB. For the system: MemTotal, MemAvailable, SwapTotal, SwapFree.
/// For a memory cgroup: its effective limit, limit − usage + inactive file pages (what reclaim can
/// still free without an OOM), and the swap its memsw/swap limit lets it use.
/// </summary>
public readonly record struct MemorySample(
    long TotalKiB,
    long AvailableKiB,
    long SwapTotalKiB,
    long SwapFreeKiB,
    long TimestampMs)
{
    public double AvailablePercent => TotalKiB > 0 ? AvailableKiB * 100.0 / TotalKiB : 100.0;

    public double SwapFreePercent => SwapTotalKiB > 0 ? SwapFreeKiB * 100.0 / SwapTotalKiB : 0.0;
}
