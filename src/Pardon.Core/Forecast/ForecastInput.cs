// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Forecast;

/// <summary>
/// What a forecast rests on: the scope's ranking now, how fast each process and the scope are filling, and
/// the levels to reach. Every figure is an observation; the forecast only extends them in straight lines.
/// </summary>
public sealed class ForecastInput
{
    /// <summary>The ranking now: the candidates, their badness and Pardon's scores, in the kernel's order.</summary>
    public required Ranking Ranking { get; init; }

    /// <summary>Per process of <see cref="Ranking"/> (same indices): rss + swap growth in pages per second.</summary>
    public required double[] GrowthPagesPerSecond { get; init; }

    /// <summary>The scope's available memory now (KiB), as the daemon's levels read it.</summary>
    public long AvailableKiB { get; init; }

    /// <summary>The scope's fill rate: how fast <see cref="AvailableKiB"/> falls.</summary>
    public FillRate Rate { get; init; }

    /// <summary>Pardon's terminate level (KiB of available memory), or null when unknown.</summary>
    public long? TermKiB { get; init; }

    /// <summary>Pardon's kill level (KiB), or null.</summary>
    public long? KillKiB { get; init; }

    /// <summary>
    /// How much more can be charged before the kernel's OOM: the OOMing memcg's headroom (limit − usage +
    /// inactive file), or for the system the available memory (the kernel OOMs when reclaim finds nothing
    /// more, which MemAvailable approaches; an estimate).
    /// </summary>
    public long OomHeadroomKiB { get; init; }

    /// <summary>How fast <see cref="OomHeadroomKiB"/> falls (KiB/s): the OOMing memcg's own rate, which siblings add to.</summary>
    public double OomFillKiBPerSecond { get; init; }

    /// <summary>The cgroup whose OOM the forecast is about, or null for the system.</summary>
    public string? OomingCgroup { get; init; }

    /// <summary>
    /// Which processes of <see cref="Ranking"/> the kernel's OOM would scan (the OOMing memcg's subtree), or
    /// null for all of them.
    /// </summary>
    public bool[]? InOomScope { get; init; }

    /// <summary>What the kernel does on the OOM (settings can turn the kill into a panic, or into nothing).</summary>
    public KernelOomOutcome Outcome { get; init; } = KernelOomOutcome.Kill;

    /// <summary>True when a Pardon daemon watches the scope (the summary then says "will", otherwise "would").</summary>
    public bool DaemonRunning { get; init; }
}
