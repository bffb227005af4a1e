// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Stall;

/// <summary>
/// A scope's memory stall over the criterion's window, from the PSI counter's readings (see
/// <see cref="StallCriterion.Evaluate"/>). Shares are percentages of wall time and are lower bounds: at least
/// this much of the interval was stalled, whatever happened between two readings.
/// </summary>
public readonly record struct StallReading
{
    /// <summary>When the reading was taken (the newest counter reading), milliseconds on the caller's clock.</summary>
    public long AtMs { get; init; }

    /// <summary>The readings reach back a whole window; otherwise the figures cover <see cref="SpanMs"/> only.</summary>
    public bool Covered { get; init; }

    /// <summary>The interval the figures cover: the window, or less when the readings are younger.</summary>
    public long SpanMs { get; init; }

    /// <summary>At least this share of <see cref="SpanMs"/> was stalled.</summary>
    public double SharePercent { get; init; }

    /// <summary>At most this share (the readings cannot tell more precisely).</summary>
    public double ShareHighPercent { get; init; }

    /// <summary>The least stalled tenth of the window (lower bound), or 0 when not covered.</summary>
    public double WeakestSlicePercent { get; init; }

    /// <summary>How long, counting back from now, every tenth of the window has reached the floor (up to the window).</summary>
    public long SustainedMs { get; init; }

    /// <summary>The criterion is met: the stall took the share over the whole window, sustained through it.</summary>
    public bool Met { get; init; }

    /// <summary>Stall seen recently enough that readings should continue at the watch resolution.</summary>
    public bool Active { get; init; }
}
