// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Daemon.Monitor;

namespace Pardon.Daemon.Metrics;

/// <summary>
/// The daemon's figures at one instant, as the metrics endpoint and the textfile exporter publish them. Plain
/// fields in the daemon's own units (KiB, ms); <see cref="PrometheusWriter"/> converts to Prometheus's base
/// units (bytes, seconds). One is made per scrape, off the monitor thread.
/// </summary>
public sealed partial class MetricsSnapshot
{
    /// <summary>The `scope` label: "system", or the memory cgroup's directory.</summary>
    public string Scope { get; init; } = "system";

    public string Version { get; init; } = "";

    public long TotalKiB { get; init; }

    public long AvailableKiB { get; init; }

    public long SwapTotalKiB { get; init; }

    public long SwapFreeKiB { get; init; }

    public long TermBelowKiB { get; init; }

    public long KillBelowKiB { get; init; }

    public double PollIntervalMs { get; init; }

    public long Iterations { get; init; }

    public long Scans { get; init; }

    public long Kills { get; init; }

    public long Escalations { get; init; }

    public long PressureEpisodes { get; init; }

    /// <summary>From the crossing of a level to the victim's exit, for the last kill; NaN before the first.</summary>
    public double LastReactionLatencyMs { get; init; } = double.NaN;

    public long SteadyIterations { get; init; }

    public long SteadyAllocatedBytes { get; init; }

    public int Pardons { get; init; }

    /// <summary>Whether pardons bind the kernel too (the daemon may set oom_score_adj -1000: CAP_SYS_RESOURCE).</summary>
    public bool KernelProtect { get; init; }

    public bool DryRun { get; init; }

    public bool MemoryLocked { get; init; }

    /// <summary>When the daemon started, in seconds since the Unix epoch (as process_start_time_seconds).</summary>
    public double StartTimeSeconds { get; init; }

    /// <summary>
    /// The daemon's glue: identity and settings from its status, live counters from the monitor loop's
    /// statistics (null before the loop exists: the counters are then zero and the latency NaN).
    /// </summary>
    public static MetricsSnapshot From(MonitorStatistics? statistics, DaemonStatus status)
    {
        double start = DateTimeOffset.TryParse(status.Started, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset started)
            ? started.ToUnixTimeMilliseconds() / 1000.0
            : DateTimeOffset.UtcNow.ToUnixTimeSeconds() - status.UptimeSeconds;
        double latency = statistics is { LastLatencyMs: > 0 } ? statistics.LastLatencyMs : double.NaN;
        return new MetricsSnapshot
        {
            Scope = status.Cgroup ?? status.Scope,
            Version = status.Version,
            TotalKiB = status.TotalKiB,
            AvailableKiB = status.AvailableKiB,
            SwapTotalKiB = status.SwapTotalKiB,
            SwapFreeKiB = status.SwapFreeKiB,
            TermBelowKiB = status.TermBelowKiB,
            KillBelowKiB = status.KillBelowKiB,
            PollIntervalMs = statistics?.LastPollIntervalMs ?? status.PollIntervalMs,
            Iterations = statistics?.Iterations ?? 0,
            Scans = statistics?.Scans ?? 0,
            Kills = statistics?.Kills ?? status.Kills,
            Escalations = statistics?.Escalations ?? 0,
            PressureEpisodes = statistics?.PressureEpisodes ?? 0,
            LastReactionLatencyMs = latency,
            SteadyIterations = statistics?.SteadyIterations ?? 0,
            SteadyAllocatedBytes = statistics?.SteadyAllocatedBytes ?? 0,
            Pardons = status.Pardons,
            KernelProtect = status.KernelProtect,
            DryRun = status.DryRun,
            MemoryLocked = status.Mlocked,
            StartTimeSeconds = start,
            Stall = status.Stall,
        };
    }
}
