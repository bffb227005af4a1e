// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon;

/// <summary>`prediction` in `pardon status`: where the scope is heading, and what the kernel would do there.</summary>
public sealed class DaemonPrediction
{
    /// <summary>How fast available memory falls (KiB/s, over the last readings); null before two readings.</summary>
    [JsonPropertyName("fill_kib_per_s")]
    public double? FillKiBPerSecond { get; init; }

    /// <summary>Seconds until the terminate level: 0 when reached; null when memory is not filling.</summary>
    [JsonPropertyName("seconds_to_term")]
    public double? SecondsToTerm { get; init; }

    [JsonPropertyName("seconds_to_kill")]
    public double? SecondsToKill { get; init; }

    /// <summary>Seconds until the kernel's OOM (the OOMing memcg's headroom, or available memory, reaching 0).</summary>
    [JsonPropertyName("seconds_to_oom")]
    public double? SecondsToOom { get; init; }

    /// <summary>For a cgroup scope: the memcg whose OOM strikes first (the scope or an ancestor with less headroom).</summary>
    [JsonPropertyName("ooming_cgroup")]
    public string? OomingCgroup { get; init; }

    /// <summary>"kill", "panic", "kill_allocating_task", "no_kill_disabled".</summary>
    [JsonPropertyName("kernel_outcome")]
    public string? KernelOutcome { get; init; }

    /// <summary>In words: the forecast, and the settings and states that change the kernel's decision.</summary>
    [JsonPropertyName("notes")]
    public List<string> Notes { get; init; } = [];
}
