// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Metrics;

/// <summary>The forecast's figures (from <see cref="DaemonStatus.Prediction"/>); NaN when there is none.</summary>
public sealed partial class MetricsSnapshot
{
    /// <summary>How fast available memory falls, bytes per second (negative while it grows).</summary>
    public double FillBytesPerSecond { get; init; } = double.NaN;

    /// <summary>Seconds until the terminate level at that rate: 0 when reached, NaN when memory is not filling (or unknown).</summary>
    public double SecondsToTerm { get; init; } = double.NaN;

    /// <summary>Seconds until the kernel's OOM at that rate: 0 when due, NaN when memory is not filling (or unknown).</summary>
    public double SecondsToOom { get; init; } = double.NaN;
}
