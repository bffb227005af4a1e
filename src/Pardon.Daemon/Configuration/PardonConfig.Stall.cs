// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Stall;

namespace Pardon.Daemon.Configuration;

public sealed partial class PardonConfig
{
    /// <summary>
    /// The memory-stall (PSI) criterion: thresholds.stall_above, stall_for, stall_kind. On by default at
    /// 10 % "full" over 10 s; see docs/configuration.md for why.
    /// </summary>
    public StallSettings Stall { get; set; } = StallSettings.Default;
}
