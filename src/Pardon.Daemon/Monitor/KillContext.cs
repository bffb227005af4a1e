// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Cgroups;

namespace Pardon.Daemon.Monitor;

/// <summary>What <see cref="KillUnitResolver"/> needs beyond the ranking to plan a kill.</summary>
public sealed class KillContext
{
    /// <summary>Nothing beyond the scan: cgroup units are the ranked members of the cgroup, no memory.oom.group.</summary>
    public static KillContext ScanOnly { get; } = new() { Policy = SelectionPolicy.Default };

    public required SelectionPolicy Policy { get; init; }

    public IPardonView? Pardons { get; init; }

    /// <summary>The memory hierarchy, to read membership fresh, memory.oom.group, and cgroup.kill; null when unknown.</summary>
    public CgroupHierarchy? Hierarchy { get; init; }

    /// <summary>The scope's cgroup path ("/" for the system): no unit reaches above it.</summary>
    public string ScopeCgroup { get; init; } = "/";

    public string ProcRoot { get; init; } = "/proc";

    public long NowMs { get; init; }
}
