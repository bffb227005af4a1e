// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Metrics;

/// <summary>A histogram at one instant: cumulative counts per upper bound (seconds), plus the +Inf count and the sum.</summary>
public sealed record HistogramSnapshot(double[] UpperBounds, long[] Cumulative, long Count, double Sum)
{
    public static HistogramSnapshot Empty(double[] bounds) => new(bounds, new long[bounds.Length], 0, 0);
}
