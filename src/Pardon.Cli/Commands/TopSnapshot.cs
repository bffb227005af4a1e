// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Daemon.Reports;

namespace Pardon.Cli.Commands;

/// <summary>What one frame of `pardon top` shows: the ranking, the levels it is measured against, the daemon's word.</summary>
internal sealed partial class TopSnapshot
{
    public required RankReport Report { get; init; }

    /// <summary>The configured levels, as written ("10%", "512MiB").</summary>
    public required Thresholds Thresholds { get; init; }

    /// <summary>The levels in KiB for this reading; null when the scope's memory could not be read.</summary>
    public ResolvedThresholds? Levels { get; init; }

    public PressureLevel Pressure { get; init; }

    public string? DaemonNote { get; init; }

    public DateTime Time { get; init; }

    public TimeSpan Interval { get; init; }
}
