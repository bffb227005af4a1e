// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Stall;

/// <summary>One process's recent memory activity, per second over <see cref="SpanMs"/> (see <see cref="FaultHistory"/>).</summary>
public readonly record struct FaultRates
{
    /// <summary>The interval the rates cover; 0 when the process was seen only once.</summary>
    public long SpanMs { get; init; }

    public double MajorFaultsPerSecond { get; init; }

    /// <summary>Pages VmSwap fell by, per second: swapped back in (or freed while in swap).</summary>
    public double SwapInPagesPerSecond { get; init; }

    /// <summary>Pages VmSwap rose by, per second: taken from the process by reclaim.</summary>
    public double SwapOutPagesPerSecond { get; init; }

    /// <summary>RSS change per second (negative when shrinking).</summary>
    public double GrowthPagesPerSecond { get; init; }

    /// <summary>VmSwap at the newest reading, in pages.</summary>
    public long SwapPages { get; init; }

    public long RssPages { get; init; }

    /// <summary>
    /// Pages per second the process makes the kernel find room for: pages it waits to get back (major faults;
    /// a swap-in that did not count as one, read ahead into the swap cache, still counts through VmSwap) plus
    /// pages it newly takes (growth). This is what forces reclaim and so stalls its neighbours; pages merely
    /// taken from it (swap-out) are not its doing and do not count.
    /// </summary>
    public double DemandPagesPerSecond => Math.Max(MajorFaultsPerSecond, SwapInPagesPerSecond) + Math.Max(0, GrowthPagesPerSecond);
}
