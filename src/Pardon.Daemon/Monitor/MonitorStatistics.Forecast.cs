// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Forecast;

namespace Pardon.Daemon.Monitor;

/// <summary>The readings a forecast needs, recorded by the monitor thread (allocation-free).</summary>
public sealed partial class MonitorStatistics
{
    /// <summary>Every memory reading of the loop: the fill rate `pardon status` and the metrics forecast from.</summary>
    public FillRateEstimator Fill { get; } = new();
}
