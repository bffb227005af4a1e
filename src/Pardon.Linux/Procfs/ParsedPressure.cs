// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Procfs;

/// <summary>
/// A PSI file (/proc/pressure/memory, or a v2 cgroup's memory.pressure; Documentation/accounting/psi.rst):
/// "some avg10=… avg60=… avg300=… total=…" and "full …". Averages are percentages, totals microseconds.
/// </summary>
internal struct ParsedPressure
{
    public double SomeAvg10;
    public double SomeAvg60;
    public double SomeAvg300;
    public ulong SomeTotalUs;
    public double FullAvg10;
    public double FullAvg60;
    public double FullAvg300;
    public ulong FullTotalUs;
    public bool HasFull;
}
