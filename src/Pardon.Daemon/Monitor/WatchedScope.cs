// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Engine;
using Pardon.Daemon.Events;
using Pardon.Linux;

namespace Pardon.Daemon.Monitor;

/// <summary>
/// One scope the monitor watches: its memory reader and process view (<see cref="ScopeMonitor"/>), its
/// pure step (levels, poll planner, episode), its kill tracker, its wake-up descriptors and its figures.
/// Owned by the monitor thread from the moment the loop runs.
/// </summary>
internal sealed partial class WatchedScope : IDisposable
{
    public WatchedScope(MonitorLoop loop, int slot, int generation, ScopeMonitor monitor, ScopeStep step, ScopeStatistics statistics, ScopeWakeup[] wakeups, long armedTotalKiB)
    {
        Slot = slot;
        Generation = generation;
        Monitor = monitor;
        Step = step;
        Statistics = statistics;
        Wakeups = wakeups;
        ArmedTotalKiB = armedTotalKiB;
        Tracker = new KillTracker(loop, this);
    }

    /// <summary>The scope's key in the deadline heap and in its epoll tokens.</summary>
    public int Slot { get; }

    /// <summary>Tells this scope's events from those of an earlier scope in the same slot.</summary>
    public int Generation { get; }

    /// <summary>The `scope` of its events: "system" or the cgroup's directory.</summary>
    public string Label => Statistics.Label;

    public ScopeMonitor Monitor { get; }

    public ResolvedScope Resolved => Monitor.Scope;

    public ScopeStep Step { get; }

    public KillTracker Tracker { get; }

    public ScopeStatistics Statistics { get; }

    /// <summary>Its wake-up descriptors (index i is registered under token index i); replaced when the limit changes.</summary>
    public ScopeWakeup[] Wakeups { get; set; }

    /// <summary>The scope's size when its wake-ups were armed (a v1 threshold is relative to the limit).</summary>
    public long ArmedTotalKiB { get; set; }

    /// <summary>True when a wake-up descriptor will fire before memory can reach the terminate level.</summary>
    public bool CoveredByWakeup()
    {
        ScopeWakeup[] wakeups = Wakeups;
        for (int i = 0; i < wakeups.Length; i++)
        {
            if (wakeups[i].Covers is { } covers && covers())
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The episode's pressure event, stamped when the level was seen crossed and emitted once the victim is signalled.</summary>
    public DaemonEvent? PendingPressure { get; set; }

    /// <summary>When the episode began (Stopwatch ticks): the start of decision_ms and latency_ms.</summary>
    public long EpisodeStartTicks { get; set; }

    /// <summary>The level misfit last reported in a `levels_do_not_fit`/`levels_fit` warning.</summary>
    public Pardon.Core.LevelProblems ReportedMisfit { get; set; }

    /// <summary>Where the scope sits in its cgroup hierarchy (for kill units and cgroup.kill); found at first use.</summary>
    public Pardon.Daemon.Containers.ScopeHierarchy? Hierarchy { get; set; }

    /// <summary>Its step asked for a scan in this round.</summary>
    public bool ScanRequested { get; set; }

    /// <summary>"Cannot read its memory" was reported (once, until it reads again).</summary>
    public bool UnreadableReported { get; set; }

    /// <summary>An error in its tick was reported (once, until a tick succeeds).</summary>
    public bool FailureReported { get; set; }

    public bool Ended { get; set; }

    public void Dispose()
    {
        Tracker.Dispose();
        Stall?.Dispose();
        foreach (ScopeWakeup w in Wakeups)
        {
            w.Owner.Dispose();
        }

        Monitor.Dispose();
    }
}
