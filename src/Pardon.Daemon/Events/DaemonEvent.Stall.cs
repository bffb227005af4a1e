// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Events;

public sealed partial class DaemonEvent
{
    /// <summary>kill, pressure: "stall" when the memory-stall criterion fired (absent for the levels).</summary>
    [JsonPropertyName("trigger")]
    public string? Trigger { get; init; }

    /// <summary>The share of the window the scope was stalled (percent, a lower bound from the PSI counter).</summary>
    [JsonPropertyName("stall_percent")]
    public double? StallPercent { get; init; }

    /// <summary>The criterion's share (percent).</summary>
    [JsonPropertyName("stall_above_percent")]
    public double? StallAbovePercent { get; init; }

    /// <summary>The criterion's window (ms).</summary>
    [JsonPropertyName("stall_window_ms")]
    public long? StallWindowMs { get; init; }

    /// <summary>"full" or "some".</summary>
    [JsonPropertyName("stall_kind")]
    public string? StallKind { get; init; }

    /// <summary>The kernel's own 10 s average of the same line (percent).</summary>
    [JsonPropertyName("stall_avg10")]
    public double? StallAvg10 { get; init; }

    /// <summary>start: the PSI file the scope's stall is read from (absent when none: a psi warning says why).</summary>
    [JsonPropertyName("psi_source")]
    public string? PsiSource { get; init; }

    /// <summary>pressure (trigger stall): the criterion would be met, but a kill for the stall is still cooling down.</summary>
    [JsonPropertyName("cooldown")]
    public bool? Cooldown { get; init; }

    /// <summary>kill (trigger stall): the culprit's major faults per second over the window.</summary>
    [JsonPropertyName("major_faults_per_s")]
    public double? MajorFaultsPerSecond { get; init; }

    /// <summary>kill (trigger stall): KiB per second the culprit's swap fell (swapped in) and rose (swapped out).</summary>
    [JsonPropertyName("swap_in_kib_per_s")]
    public double? SwapInKiBPerSecond { get; init; }

    [JsonPropertyName("swap_out_kib_per_s")]
    public double? SwapOutKiBPerSecond { get; init; }

    /// <summary>kill (trigger stall): the culprit's pages in swap (VmSwap, KiB).</summary>
    [JsonPropertyName("swap_kib")]
    public long? SwapKiB { get; init; }
}
