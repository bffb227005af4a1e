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
