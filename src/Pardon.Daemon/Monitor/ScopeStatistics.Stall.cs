// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Stall;

namespace Pardon.Daemon.Monitor;

public sealed partial class ScopeStatistics
{
    /// <summary>The stall criterion in force for the scope (off when it has no PSI source).</summary>
    public StallSettings Stall = StallSettings.Off;

    /// <summary>The PSI file the scope's stall is read from, or null.</summary>
    public string? PsiSource;

    /// <summary>The stall over the criterion's window at the newest reading.</summary>
    public StallReading StallReading;

    public StallPhase StallPhase;

    /// <summary>The kernel's averages of the same PSI line (percent).</summary>
    public double StallAvg10;

    public double StallAvg60;

    /// <summary>Kills for the stall criterion (also counted in <see cref="Kills"/>).</summary>
    public long StallKills;
}
