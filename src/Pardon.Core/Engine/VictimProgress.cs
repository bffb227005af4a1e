// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Engine;

/// <summary>
/// The kill tracker's state as a scope's step sees it: whether a victim of the scope is still being
/// waited for, and when it was signalled. Times are on the boot clock in milliseconds.
/// </summary>
/// <param name="Active">A victim was signalled and has not exited yet (nor been given up on).</param>
/// <param name="KillSent">SIGKILL was sent (at once, at the kill level, or by escalation).</param>
/// <param name="SignalledAtMs">When the first signal was sent.</param>
/// <param name="KillSentAtMs">When SIGKILL was sent (meaningful when <paramref name="KillSent"/>).</param>
public readonly record struct VictimProgress(bool Active, bool KillSent, long SignalledAtMs, long KillSentAtMs)
{
    /// <summary>No victim is being waited for.</summary>
    public static VictimProgress None => default;

    public static VictimProgress Terminated(long atMs) => new(true, false, atMs, 0);

    public static VictimProgress Killed(long signalledAtMs, long killedAtMs) => new(true, true, signalledAtMs, killedAtMs);
}
