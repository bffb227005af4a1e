// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Daemon.Stall;

namespace Pardon.Daemon.Monitor;

internal sealed partial class WatchedScope
{
    /// <summary>The scope's memory-stall criterion (its PSI source, trigger and words); null when it is off.</summary>
    public ScopeStall? Stall { get; set; }

    /// <summary>When the scope was last scanned because it stalls (the culprit's fault rates need recent readings).</summary>
    public long LastStallScanMs { get; set; } = long.MinValue / 2;
}
