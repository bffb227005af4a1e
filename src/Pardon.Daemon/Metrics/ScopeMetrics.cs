// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Daemon.Monitor;

namespace Pardon.Daemon.Metrics;

/// <summary>One scope's figures for the metrics, labelled with its `scope` (the daemon's own units: KiB, ms).</summary>
/// <remarks>Made per scrape, off the monitor thread, from the scope's <see cref="ScopeStatistics"/>.</remarks>
public sealed class ScopeMetrics
{
    /// <summary>The `scope` label: "system", or the memory cgroup's directory.</summary>
    public string Scope { get; init; } = "system";

    /// <summary>"system" or "cgroup".</summary>
    public string Kind { get; init; } = "system";

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

    /// <summary>From the crossing of a level to the victim's exit, for the scope's last kill; NaN before the first.</summary>
    public double LastReactionLatencyMs { get; init; } = double.NaN;

    public bool InEpisode { get; init; }

    /// <summary>The scope's memory stall against its criterion; null when unknown.</summary>
    public StallStatus? Stall { get; init; }

    /// <summary>Every kill's reaction latency (seconds); null writes an empty histogram.</summary>
    public HistogramSnapshot? ReactionLatency { get; init; }

    /// <summary>Every kill's decision time (seconds).</summary>
    public HistogramSnapshot? DecisionTime { get; init; }

    /// <summary>The scopes of the monitor's statistics (none before the loop exists).</summary>
    public static List<ScopeMetrics> From(MonitorStatistics? statistics, LatencyRecorder? latencies)
    {
        if (statistics is null)
        {
            return [];
        }

        IReadOnlyList<ScopeStatistics> scopes = statistics.Scopes;
        var list = new List<ScopeMetrics>(scopes.Count);
        for (int i = 0; i < scopes.Count; i++)
        {
            ScopeStatistics s = scopes[i];
            (HistogramSnapshot Reaction, HistogramSnapshot Decision)? histograms = latencies?.Snapshot(s.Label);
            list.Add(new ScopeMetrics
            {
                Scope = s.Label,
                Kind = s.Kind == ScopeKind.System ? "system" : "cgroup",
                TotalKiB = s.LastSample.TotalKiB,
                AvailableKiB = s.LastSample.AvailableKiB,
                SwapTotalKiB = s.LastSample.SwapTotalKiB,
                SwapFreeKiB = s.LastSample.SwapFreeKiB,
                TermBelowKiB = s.LastThresholds.TermKiB,
                KillBelowKiB = s.LastThresholds.KillKiB,
                PollIntervalMs = s.LastPollIntervalMs,
                Scans = s.Scans,
                Kills = s.Kills,
                Escalations = s.Escalations,
                PressureEpisodes = s.PressureEpisodes,
                LastReactionLatencyMs = s.LastLatencyMs > 0 ? s.LastLatencyMs : double.NaN,
                InEpisode = s.InEpisode,
                Stall = StallStatus.From(s),
                ReactionLatency = histograms?.Reaction,
                DecisionTime = histograms?.Decision,
            });
        }

        return list;
    }
}
