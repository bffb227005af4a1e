// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Forecast;

/// <summary>Per-process growth between two readings, in pages per second.</summary>
public static class ProcessGrowthRate
{
    /// <summary>
    /// The change of rss + swap (the memory oom_badness() counts that a process can grow) per second between
    /// two readings of the same process. 0 when the readings are not at least a millisecond apart.
    /// </summary>
    public static double PagesPerSecond(long earlierPages, long earlierMs, long laterPages, long laterMs)
        => laterMs > earlierMs ? (laterPages - earlierPages) * 1000.0 / (laterMs - earlierMs) : 0;

    /// <summary>What a process's rss + swap is projected to be after <paramref name="seconds"/>: linear, never below zero.</summary>
    public static long ProjectDelta(long currentPages, double pagesPerSecond, double seconds)
    {
        double delta = pagesPerSecond * seconds;
        if (delta < -currentPages)
        {
            return -currentPages;
        }

        return delta > long.MaxValue / 4 ? long.MaxValue / 4 : (long)Math.Round(delta);
    }
}
