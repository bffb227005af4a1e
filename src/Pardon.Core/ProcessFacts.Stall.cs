// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Stall;

namespace Pardon.Core;

public sealed partial class ProcessFacts
{
    /// <summary>Field 12 of /proc/PID/stat: faults that had to wait for I/O (a page read from swap or its file).</summary>
    public ulong MajorFaults { get; set; }

    /// <summary>Major faults, swap movement and RSS kept across scans, for finding a stall's culprit; see <see cref="FaultHistory"/>.</summary>
    public FaultHistory Faults;
}
