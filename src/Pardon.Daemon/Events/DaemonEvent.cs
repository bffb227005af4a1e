// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Events;

/// <summary>
/// One line of the event log (JSON lines; docs/events.md). Every event has "ts" (RFC 3339, milliseconds,
/// UTC) and "event"; the other fields appear when they apply (nulls are not written).
/// Events: start, pressure, kill, victim_exited, pardon_granted, pardon_denied, pardon_revoked,
/// pardon_released, warning, stop, scope_added, scope_removed.
/// </summary>
public sealed partial class DaemonEvent
{
    [JsonPropertyName("ts")]
    public string Ts { get; set; } = "";

    [JsonPropertyName("event")]
    public required string Event { get; init; }

    /// <summary>One readable sentence; the same text the daemon logs.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    // The process concerned (kill, victim_exited, pardon_*).
    [JsonPropertyName("pid")]
    public int? Pid { get; init; }

    [JsonPropertyName("comm")]
    public string? Comm { get; init; }

    [JsonPropertyName("exe")]
    public string? Exe { get; init; }

    [JsonPropertyName("uid")]
    public uint? Uid { get; init; }

    // kill
    [JsonPropertyName("signal")]
    public string? Signal { get; init; }

    [JsonPropertyName("unit")]
    public string? Unit { get; init; }

    /// <summary>The pids the kill unit covered (the victim first).</summary>
    [JsonPropertyName("unit_pids")]
    public List<int>? UnitPids { get; init; }

    [JsonPropertyName("score")]
    public long? Score { get; init; }

    [JsonPropertyName("kernel_badness")]
    public long? KernelBadness { get; init; }

    /// <summary>Why: the trigger (which level, the figures) and what made this process the victim.</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    [JsonPropertyName("reasons")]
    public List<string>? Reasons { get; init; }

    [JsonPropertyName("available_kib")]
    public long? AvailableKiB { get; init; }

    [JsonPropertyName("threshold_kib")]
    public long? ThresholdKiB { get; init; }

    [JsonPropertyName("total_kib")]
    public long? TotalKiB { get; init; }

    [JsonPropertyName("swap_free_kib")]
    public long? SwapFreeKiB { get; init; }

    /// <summary>"term" or "kill": which level was crossed.</summary>
    [JsonPropertyName("level")]
    public string? Level { get; init; }

    [JsonPropertyName("candidates")]
    public List<CandidateReport>? Candidates { get; init; }

    /// <summary>Whom the kernel's own OOM killer would have chosen at that moment.</summary>
    [JsonPropertyName("kernel_victim")]
    public int? KernelVictim { get; init; }

    [JsonPropertyName("dry_run")]
    public bool? DryRun { get; init; }

    // victim_exited
    [JsonPropertyName("latency_ms")]
    public double? LatencyMs { get; init; }

    /// <summary>kill: milliseconds from the level being seen crossed to the signal being sent (Pardon's own reaction).</summary>
    [JsonPropertyName("decision_ms")]
    public double? DecisionMs { get; set; }

    /// <summary>kill: where the decision's time went (between seeing the level crossed and the signal).</summary>
    [JsonPropertyName("timings")]
    public string? Timings { get; set; }

    /// <summary>victim_exited: milliseconds from the first signal to the exit (the kernel tearing the process down).</summary>
    [JsonPropertyName("teardown_ms")]
    public double? TeardownMs { get; init; }

    [JsonPropertyName("escalated")]
    public bool? Escalated { get; init; }

    // pardon_*
    [JsonPropertyName("requester_pid")]
    public int? RequesterPid { get; init; }

    [JsonPropertyName("requester_uid")]
    public uint? RequesterUid { get; init; }

    [JsonPropertyName("rule")]
    public string? Rule { get; init; }

    [JsonPropertyName("max_rss_kib")]
    public long? MaxRssKiB { get; init; }

    [JsonPropertyName("rss_kib")]
    public long? RssKiB { get; init; }

    [JsonPropertyName("expires")]
    public string? Expires { get; init; }

    [JsonPropertyName("kernel_protected")]
    public bool? KernelProtected { get; init; }

    /// <summary>A machine-readable code: the denial reason of pardon_denied, the kind of a warning.</summary>
    [JsonPropertyName("code")]
    public string? Code { get; init; }

    // start / stop
    [JsonPropertyName("version")]
    public string? Version { get; init; }

    [JsonPropertyName("config")]
    public string? Config { get; init; }

    [JsonPropertyName("term_below_kib")]
    public long? TermBelowKiB { get; init; }

    [JsonPropertyName("kill_below_kib")]
    public long? KillBelowKiB { get; init; }

    [JsonPropertyName("daemon_pid")]
    public int? DaemonPid { get; init; }
}
