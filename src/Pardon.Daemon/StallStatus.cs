// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;
using Pardon.Core.Stall;
using Pardon.Daemon.Monitor;

namespace Pardon.Daemon;

/// <summary>A scope's memory stall against its criterion, as `pardon status`, metrics and `top` show it.</summary>
public sealed class StallStatus
{
    /// <summary>"full" or "some".</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>The criterion's share (percent); null when the criterion is off (by configuration, or no PSI source).</summary>
    [JsonPropertyName("above_percent")]
    public double? AbovePercent { get; init; }

    [JsonPropertyName("window_ms")]
    public long WindowMs { get; init; }

    /// <summary>At least this share of the window was stalled (percent; over less than the window until readings reach back that far).</summary>
    [JsonPropertyName("percent")]
    public double Percent { get; init; }

    /// <summary>The readings reach back a whole window.</summary>
    [JsonPropertyName("covered")]
    public bool Covered { get; init; }

    /// <summary>How long the stall has held the floor (half the share) in every tenth of the window, counting back from now.</summary>
    [JsonPropertyName("sustained_ms")]
    public long SustainedMs { get; init; }

    /// <summary>"off", "quiet", "building", "met" or "cooldown".</summary>
    [JsonPropertyName("phase")]
    public required string Phase { get; init; }

    /// <summary>The kernel's own averages of the same PSI line (percent).</summary>
    [JsonPropertyName("avg10")]
    public double Avg10 { get; init; }

    [JsonPropertyName("avg60")]
    public double Avg60 { get; init; }

    /// <summary>The PSI file read, or null.</summary>
    [JsonPropertyName("source")]
    public string? Source { get; init; }

    [JsonPropertyName("kills")]
    public long Kills { get; init; }

    /// <summary>The figures of a scope (torn reads between fields are harmless: each is a figure of its own).</summary>
    public static StallStatus From(ScopeStatistics scope)
    {
        StallSettings settings = scope.Stall;
        StallReading r = scope.StallReading;
        return new StallStatus
        {
            Kind = settings.KindText,
            AbovePercent = settings.AbovePercent,
            WindowMs = settings.ForMs,
            Percent = Math.Round(r.SharePercent, 1),
            Covered = r.Covered,
            SustainedMs = r.SustainedMs,
            Phase = settings.Enabled ? scope.StallPhase.ToString().ToLowerInvariant() : "off",
            Avg10 = scope.StallAvg10,
            Avg60 = scope.StallAvg60,
            Source = scope.PsiSource,
            Kills = scope.StallKills,
        };
    }
}
