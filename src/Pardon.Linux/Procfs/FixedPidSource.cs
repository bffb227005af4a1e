// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Procfs;

/// <summary>A fixed list of pids (the daemon's start-up warm-up ranks itself and pid 1 through the real code paths).</summary>
public sealed class FixedPidSource : IPidSource
{
    private readonly int[] _pids;

    public FixedPidSource(params int[] pids)
    {
        _pids = pids;
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
