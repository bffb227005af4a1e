// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Stall;

/// <summary>The figures a stall kill event carries (see DaemonEvent.Stall.cs).</summary>
public readonly record struct StallKillFields(double StallPercent, double MajorFaultsPerSecond, double SwapInKiBPerSecond, double SwapOutKiBPerSecond, long SwapKiB);
