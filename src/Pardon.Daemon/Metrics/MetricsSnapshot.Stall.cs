// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Metrics;

public sealed partial class MetricsSnapshot
{
    /// <summary>The scope's memory stall against its criterion; null before the monitor runs.</summary>
    public StallStatus? Stall { get; init; }
}
