// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Stall;

namespace Pardon.Linux.Pressure;

/// <summary>
/// One reading of a memory PSI file (Documentation/accounting/psi.rst): the stall counters in microseconds
/// since boot, and the kernel's running averages in percent.
/// </summary>
public readonly record struct PressureSample
{
    public long SomeTotalUs { get; init; }

    public long FullTotalUs { get; init; }

    public double SomeAvg10 { get; init; }

    public double SomeAvg60 { get; init; }

    public double FullAvg10 { get; init; }

    public double FullAvg60 { get; init; }

    /// <summary>The file had a "full" line (memory always has; kept for the other resources' files).</summary>
    public bool HasFull { get; init; }

    public long TotalUs(StallKind kind) => kind == StallKind.Full ? FullTotalUs : SomeTotalUs;

    public double Avg10(StallKind kind) => kind == StallKind.Full ? FullAvg10 : SomeAvg10;

    public double Avg60(StallKind kind) => kind == StallKind.Full ? FullAvg60 : SomeAvg60;
}
