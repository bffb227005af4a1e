// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Metrics;

public sealed partial class MetricsSnapshot
{
    /// <summary>
    /// Every scope watched, each with its `scope` label ("system" or the cgroup's directory). The top-level
    /// figures are the first scope's (the only one, for a single-scope daemon), the counters totals.
    /// </summary>
    public IReadOnlyList<ScopeMetrics> Scopes { get; init; } = [];
}
