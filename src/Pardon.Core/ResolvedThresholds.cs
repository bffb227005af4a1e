// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

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

    /// <summary>
    /// How far the reading is from the terminate level, in KiB: acting needs memory and swap both low, so with
    /// swap the distance is the larger of the two (a cgroup at its limit whose swap is mostly free is not one
    /// reading from a shortage, and polling it every 2 ms would only burn a CPU the thrashing scope needs).
    /// Each falls no faster than memory is filled, so this over the fill rate never oversleeps a crossing.
    /// </summary>
    public long HeadroomKiB(in MemorySample s)
    {
        long memory = s.AvailableKiB - TermKiB;
        return s.SwapTotalKiB <= 0 ? memory : Math.Max(memory, s.SwapFreeKiB - SwapTermKiB);
    }
}
