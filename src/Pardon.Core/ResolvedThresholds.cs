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
}
