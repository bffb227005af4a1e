// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Stall;

namespace Pardon.Daemon.Monitor;

public sealed partial record MonitorSettings
{
    /// <summary>The memory-stall criterion for every scope (the configuration's thresholds.stall_*); off unless given.</summary>
    public StallSettings Stall { get; init; } = StallSettings.Off;
}
