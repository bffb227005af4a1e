// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Reports;

/// <summary>`forecast` in rank/top JSON and status: where the scope is heading at the observed rates.</summary>
public sealed class ForecastReport
{
    /// <summary>How fast available memory falls (KiB/s; negative while it grows).</summary>
    [JsonPropertyName("fill_kib_per_s")]
    public double FillKiBPerSecond { get; init; }

    /// <summary>Seconds until Pardon's terminate level: 0 when already below, null when memory is not filling.</summary>
    [JsonPropertyName("seconds_to_term")]
    public double? SecondsToTerm { get; init; }

    [JsonPropertyName("seconds_to_kill")]
    public double? SecondsToKill { get; init; }

    /// <summary>Seconds until the kernel's OOM (the OOMing memcg's headroom, or the system's available memory, reaching 0).</summary>
    [JsonPropertyName("seconds_to_oom")]
    public double? SecondsToOom { get; init; }

    [JsonPropertyName("ooming_cgroup")]
    public string? OomingCgroup { get; init; }

    /// <summary>Whom the kernel would kill at that OOM, each process's growth projected to it.</summary>
    [JsonPropertyName("kernel_victim")]
    public int? KernelVictim { get; init; }

    [JsonPropertyName("kernel_victim_ties")]
    public List<int> KernelVictimTies { get; init; } = [];

    /// <summary>Whom Pardon would stop at its terminate level, growth projected likewise.</summary>
    [JsonPropertyName("victim")]
    public int? Victim { get; init; }

    /// <summary>What the forecast rests on: the readings and their span.</summary>
    [JsonPropertyName("basis")]
    public required string Basis { get; init; }

    [JsonPropertyName("summary")]
    public required string Summary { get; init; }
}
