// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Daemon.Monitor;

/// <summary>
/// One scope's figures, written by the monitor thread and read by others (status, metrics). Plain fields
/// written by one thread; readers accept a torn read of an unrelated pair, never of a single 64-bit value
/// on x64/arm64. The object outlives its scope (a reader may hold it after the scope ended).
/// </summary>
public sealed partial class ScopeStatistics
{
    public ScopeStatistics(string label, ScopeKind kind, string? pattern, bool limited)
    {
        Label = label;
        Kind = kind;
        Pattern = pattern;
        Limited = limited;
    }

    /// <summary>The `scope` of its events: "system", or the memory cgroup's directory.</summary>
    public string Label { get; }

    public ScopeKind Kind { get; }

    /// <summary>The configured pattern that matched it (null for the system scope).</summary>
    public string? Pattern { get; }

    /// <summary>What ends its sleep early besides adaptive polling (a PSI trigger, a cgroup threshold eventfd).</summary>
    public IReadOnlyList<string> Wakeups { get; set; } = [];

    /// <summary>False for a cgroup without a memory limit anywhere up its ancestry: its levels are then of the machine's memory.</summary>
    public bool Limited { get; }

    public MemorySample LastSample;
    public ResolvedThresholds LastThresholds;
    public double LastPollIntervalMs;
    public long Scans;
    public long Kills;
    public long Escalations;
    public long PressureEpisodes;
    public string? LastKill;
    public double LastLatencyMs;
    public bool InEpisode;

    /// <summary>A victim of this scope has been signalled and not yet exited.</summary>
    public bool VictimPending;
}
