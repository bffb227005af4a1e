// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Service;

public sealed partial record DaemonOptions
{
    /// <summary>--stall-above: a share in percent; with <see cref="StallOff"/> the criterion is turned off instead.</summary>
    public double? StallAbove { get; init; }

    /// <summary>--stall-above off.</summary>
    public bool StallOff { get; init; }

    /// <summary>--stall-for.</summary>
    public TimeSpan? StallFor { get; init; }
}
