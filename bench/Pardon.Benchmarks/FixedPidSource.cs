// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Linux.Procfs;

namespace Pardon.Benchmarks;

/// <summary>
/// The pids that were alive when the benchmark started, listed again on every scan: the steady state the
/// daemon lives in between process births and deaths, free of the churn of other work on the machine
/// (a pid that exits meanwhile is simply no longer found).
/// </summary>
public sealed class FixedPidSource : IPidSource
{
    private readonly int[] _pids;

    public FixedPidSource(ReadOnlySpan<int> pids)
    {
        _pids = pids.ToArray();
    }

    public bool OrderIsKernelOrder => false;

    public bool Collect(PidList into)
    {
        into.Clear();
        foreach (int pid in _pids)
        {
            into.Add(pid, 0);
        }

        return true;
    }
}
