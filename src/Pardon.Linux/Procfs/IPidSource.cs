// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Procfs;

/// <summary>Lists the processes of a scope: every process in /proc, or those of one cgroup subtree.</summary>
public interface IPidSource
{
    /// <summary>Fills <paramref name="into"/>; returns false when the scope itself is gone (a removed cgroup).</summary>
    bool Collect(PidList into);

    /// <summary>True when the source's order is the kernel's own task order within each group (v2 cgroup.procs).</summary>
    bool OrderIsKernelOrder { get; }
}
