// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// The configured levels, and the decision they make on a memory reading. Memory and swap must both be
/// low to act (earlyoom's rule): while swap is free the kernel can still make room by swapping, and
/// killing then would be premature. With no swap at all, memory alone decides.
/// </summary>
public sealed record Thresholds(MemoryLevel TermBelow, MemoryLevel KillBelow, MemoryLevel SwapTermBelow, MemoryLevel SwapKillBelow)
{
    /// <summary>The levels in KiB for a reading (percentages are of the reading's totals).</summary>
    public ResolvedThresholds Resolve(in MemorySample sample) => new(
        TermBelow.ToKiB(sample.TotalKiB),
        KillBelow.ToKiB(sample.TotalKiB),
        SwapTermBelow.ToKiB(sample.SwapTotalKiB),
        SwapKillBelow.ToKiB(sample.SwapTotalKiB));
}
