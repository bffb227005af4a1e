// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Procfs;

public sealed partial class ProcessTable
{
    /// <summary>
    /// The window over which each process's major faults and swap movement are kept (the stall criterion's, so
    /// a stall's culprit is judged over the same time as the stall; see <see cref="Core.Stall.FaultHistory"/>).
    /// </summary>
    public long FaultWindowMs { get; set; } = Core.Stall.StallSettings.DefaultForMs;
}
