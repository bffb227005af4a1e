// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Stall;

/// <summary>Where a scope stands against its stall criterion.</summary>
public enum StallPhase
{
    /// <summary>The criterion is off (or the scope has no PSI source).</summary>
    Off = 0,

    /// <summary>No stall worth watching: the daemon sleeps until the PSI trigger (or another wake-up).</summary>
    Quiet = 1,

    /// <summary>Stalling, not (yet) enough or not for long enough: read every resolution step.</summary>
    Building = 2,

    /// <summary>The criterion is met: act.</summary>
    Met = 3,

    /// <summary>
    /// A victim was signalled for a stall: the criterion is not judged until a whole window has passed after
    /// the victim exited, so a stall that the kill is already ending never costs a second victim.
    /// </summary>
    Cooldown = 4,
}
