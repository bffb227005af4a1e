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

/// <summary>The levels of <see cref="Thresholds"/> in KiB for one scope's size.</summary>
public readonly record struct ResolvedThresholds(long TermKiB, long KillKiB, long SwapTermKiB, long SwapKillKiB)
{
    /// <summary>Which level the reading has reached; <paramref name="thresholdKiB"/> is the level it crossed.</summary>
    public PressureLevel Evaluate(in MemorySample s, out long thresholdKiB)
    {
        bool noSwap = s.SwapTotalKiB <= 0;
        if (s.AvailableKiB <= KillKiB && (noSwap || s.SwapFreeKiB <= SwapKillKiB))
        {
            thresholdKiB = KillKiB;
            return PressureLevel.Kill;
        }

        if (s.AvailableKiB <= TermKiB && (noSwap || s.SwapFreeKiB <= SwapTermKiB))
        {
            thresholdKiB = TermKiB;
            return PressureLevel.Terminate;
        }

        thresholdKiB = TermKiB;
        return PressureLevel.None;
    }
}
