// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Reports;

/// <summary>`pardon rank --json`: the interface contract's object (DESIGN.md), extended with a few fields.</summary>
public sealed partial class RankReport
{
    [JsonPropertyName("scope")]
    public required ScopeReport Scope { get; init; }

    /// <summary>Whom the kernel's OOM killer would kill now, or null.</summary>
    [JsonPropertyName("kernel_victim")]
    public int? KernelVictim { get; init; }

    /// <summary>
    /// Others that may be the kernel's victim instead of <see cref="KernelVictim"/>: equal badness in an order the
    /// kernel's iteration does not show (the same cgroup v1 memcg; started within one clock tick). Empty when exact.
    /// </summary>
    [JsonPropertyName("kernel_victim_ties")]
    public List<int> KernelVictimTies { get; init; } = [];

    /// <summary>
    /// Others close enough to overtake the kernel's victim if reclaim, which runs before the OOM selects, takes
    /// the victim's mapped file pages: a near-tie that cannot be called. Empty when the victim leads by more.
    /// </summary>
    [JsonPropertyName("kernel_victim_close_calls")]
    public List<int> KernelVictimCloseCalls { get; init; } = [];

    /// <summary>What the kernel would do on an OOM here, and the settings behind it.</summary>
    [JsonPropertyName("kernel")]
    public KernelReport? Kernel { get; set; }

    /// <summary>Where the scope is heading at the observed rates; null without two readings.</summary>
    [JsonPropertyName("forecast")]
    public ForecastReport? Forecast { get; set; }

    /// <summary>Whom Pardon would kill now, or null.</summary>
    [JsonPropertyName("victim")]
    public int? Victim { get; init; }

    /// <summary>Whether a running daemon's pardons (and pid) were taken into account.</summary>
    [JsonPropertyName("daemon")]
    public DaemonReport? Daemon { get; set; }

    [JsonPropertyName("memory")]
    public MemoryReport? Memory { get; init; }

    [JsonPropertyName("processes")]
    public required List<ProcessReport> Processes { get; init; }
}
