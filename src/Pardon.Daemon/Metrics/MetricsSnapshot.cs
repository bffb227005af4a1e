// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Daemon.Events;
using Pardon.Daemon.Monitor;

namespace Pardon.Daemon.Metrics;

/// <summary>
/// The daemon's figures at one instant, as the metrics endpoint and the textfile exporter publish them: the
/// daemon's own (build, pardons, the monitor thread's allocations, the event pipeline, hooks,
/// notifications; labelled scope="daemon") and one <see cref="ScopeMetrics"/> per watched scope. Plain
/// fields in the daemon's own units (KiB, ms); <see cref="PrometheusWriter"/> converts to Prometheus's base
/// units (bytes, seconds). One is made per scrape, off the monitor thread.
/// </summary>
public sealed partial class MetricsSnapshot
{
    /// <summary>The `scope` label of figures about the daemon as a whole (a scope is "system" or an absolute path, never this).</summary>
    public const string DaemonScope = "daemon";

    public string Version { get; init; } = "";

    /// <summary>When the daemon started, in seconds since the Unix epoch (as process_start_time_seconds).</summary>
    public double StartTimeSeconds { get; init; }

    public List<ScopeMetrics> Scopes { get; init; } = [];

    /// <summary>Memory readings taken by the monitor loop (one thread for every scope).</summary>
    public long Iterations { get; init; }

    public long SteadyIterations { get; init; }

    public long SteadyAllocatedBytes { get; init; }

    public int Pardons { get; init; }

    /// <summary>Whether pardons bind the kernel too (the daemon may set oom_score_adj -1000: CAP_SYS_RESOURCE).</summary>
    public bool KernelProtect { get; init; }

    public bool DryRun { get; init; }

    public bool MemoryLocked { get; init; }

    /// <summary>The event pipeline's counters; null leaves its families out.</summary>
    public EventPipelineStatus? Events { get; init; }

    public long HooksStarted { get; init; }

    public long HooksFailed { get; init; }

    public long HooksDropped { get; init; }

    public long NotificationsSent { get; init; }

    public long NotificationsFailed { get; init; }

    /// <summary>
    /// The daemon's glue: identity and settings from its status, live counters from the monitor loop's
    /// statistics (null before the loop exists: the counters are then zero and the latency NaN), the
    /// histograms from <paramref name="latencies"/>, the rest from the pipeline and its consumers. One
    /// <see cref="ScopeMetrics"/> per watched scope; before the loop has any, one from the status alone.
    /// </summary>
    public static MetricsSnapshot From(MonitorStatistics? statistics, DaemonStatus status, LatencyRecorder? latencies = null)
    {
        double start = DateTimeOffset.TryParse(status.Started, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset started)
            ? started.ToUnixTimeMilliseconds() / 1000.0
            : DateTimeOffset.UtcNow.ToUnixTimeSeconds() - status.UptimeSeconds;
        double latency = statistics is { LastLatencyMs: > 0 } ? statistics.LastLatencyMs : double.NaN;
        string scope = status.Cgroup ?? status.Scope;
        (HistogramSnapshot reaction, HistogramSnapshot decision)? histograms = latencies?.Snapshot(scope);
        List<ScopeMetrics> scopes = ScopeMetrics.From(statistics, latencies);
        return new MetricsSnapshot
        {
            Version = status.Version,
            StartTimeSeconds = start,
            Scopes = scopes.Count > 0 ? scopes : statistics is { Scopes.Count: 0 } && status.Scope == "multiple" ? [] :
            [
                new ScopeMetrics
                {
                    Scope = scope,
                    TotalKiB = status.TotalKiB,
                    AvailableKiB = status.AvailableKiB,
                    SwapTotalKiB = status.SwapTotalKiB,
                    SwapFreeKiB = status.SwapFreeKiB,
                    TermBelowKiB = status.TermBelowKiB,
                    KillBelowKiB = status.KillBelowKiB,
                    PollIntervalMs = statistics?.LastPollIntervalMs ?? status.PollIntervalMs,
                    Scans = statistics?.Scans ?? 0,
                    Kills = statistics?.Kills ?? status.Kills,
                    Escalations = statistics?.Escalations ?? 0,
                    PressureEpisodes = statistics?.PressureEpisodes ?? 0,
                    LastReactionLatencyMs = latency,
                    ReactionLatency = histograms?.reaction,
                    DecisionTime = histograms?.decision,
                },
            ],
            Iterations = statistics?.Iterations ?? 0,
            SteadyIterations = statistics?.SteadyIterations ?? 0,
            SteadyAllocatedBytes = statistics?.SteadyAllocatedBytes ?? 0,
            Pardons = status.Pardons,
            KernelProtect = status.KernelProtect,
            DryRun = status.DryRun,
            MemoryLocked = status.Mlocked,
            Events = status.Events,
            HooksStarted = status.Hooks?.Sent ?? 0,
            HooksFailed = status.Hooks?.Failed ?? 0,
            HooksDropped = status.Hooks?.Dropped ?? 0,
            NotificationsSent = status.Notifications?.Sent ?? 0,
            NotificationsFailed = status.Notifications?.Failed ?? 0,
            FillBytesPerSecond = status.Prediction?.FillKiBPerSecond * 1024 ?? double.NaN,
            SecondsToTerm = status.Prediction?.SecondsToTerm ?? double.NaN,
            SecondsToOom = status.Prediction?.SecondsToOom ?? double.NaN,
        };
    }
}
