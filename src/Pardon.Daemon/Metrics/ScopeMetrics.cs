// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Metrics;

/// <summary>The figures of one scope (the `scope` label: "system" or the memory cgroup's directory), in the daemon's units.</summary>
public sealed class ScopeMetrics
{
    public string Scope { get; init; } = "system";

    public long TotalKiB { get; init; }

    public long AvailableKiB { get; init; }

    public long SwapTotalKiB { get; init; }

    public long SwapFreeKiB { get; init; }

    public long TermBelowKiB { get; init; }

    public long KillBelowKiB { get; init; }

    public double PollIntervalMs { get; init; }

    public long Scans { get; init; }

    public long Kills { get; init; }

    public long Escalations { get; init; }

    public long PressureEpisodes { get; init; }

    /// <summary>From the crossing of a level to the victim's exit, for the last kill; NaN before the first.</summary>
    public double LastReactionLatencyMs { get; init; } = double.NaN;

    /// <summary>Every kill's reaction latency (seconds); null writes an empty histogram.</summary>
    public HistogramSnapshot? ReactionLatency { get; init; }

    /// <summary>Every kill's decision time (seconds).</summary>
    public HistogramSnapshot? DecisionTime { get; init; }
}
