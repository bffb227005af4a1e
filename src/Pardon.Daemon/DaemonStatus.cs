// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon;

/// <summary>The daemon's state as `pardon status` shows it. Filled by the daemon on request.</summary>
public sealed partial class DaemonStatus
{
    [JsonPropertyName("pid")]
    public int Pid { get; init; }

    [JsonPropertyName("version")]
    public required string Version { get; init; }

    [JsonPropertyName("started")]
    public required string Started { get; init; }

    [JsonPropertyName("uptime_s")]
    public long UptimeSeconds { get; init; }

    /// <summary>"system" or "cgroup".</summary>
    [JsonPropertyName("scope")]
    public required string Scope { get; init; }

    [JsonPropertyName("cgroup")]
    public string? Cgroup { get; init; }

    [JsonPropertyName("config")]
    public required string Config { get; init; }

    [JsonPropertyName("dry_run")]
    public bool DryRun { get; init; }

    [JsonPropertyName("total_kib")]
    public long TotalKiB { get; init; }

    [JsonPropertyName("available_kib")]
    public long AvailableKiB { get; init; }

    [JsonPropertyName("swap_total_kib")]
    public long SwapTotalKiB { get; init; }

    [JsonPropertyName("swap_free_kib")]
    public long SwapFreeKiB { get; init; }

    [JsonPropertyName("term_below_kib")]
    public long TermBelowKiB { get; init; }

    [JsonPropertyName("kill_below_kib")]
    public long KillBelowKiB { get; init; }

    [JsonPropertyName("poll_interval_ms")]
    public double PollIntervalMs { get; init; }

    [JsonPropertyName("kills")]
    public long Kills { get; init; }

    [JsonPropertyName("last_kill")]
    public string? LastKill { get; init; }

    [JsonPropertyName("pardons")]
    public int Pardons { get; init; }

    /// <summary>Whether the daemon can set oom_score_adj -1000 (CAP_SYS_RESOURCE), so pardons bind the kernel too.</summary>
    [JsonPropertyName("kernel_protect")]
    public bool KernelProtect { get; init; }

    [JsonPropertyName("mlocked")]
    public bool Mlocked { get; init; }

    [JsonPropertyName("wakeups")]
    public required List<string> Wakeups { get; init; }

    [JsonPropertyName("warnings")]
    public required List<string> Warnings { get; init; }
}
