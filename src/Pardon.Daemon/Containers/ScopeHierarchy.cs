// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux;
using Pardon.Linux.Cgroups;

namespace Pardon.Daemon.Containers;

/// <summary>
/// A scope's place in the memory cgroup hierarchy: the hierarchy itself (for fresh membership,
/// memory.oom.group, cgroup.kill) and the cgroup paths of the scope and of the memcg the kernel would
/// find out of memory.
/// </summary>
public sealed class ScopeHierarchy
{
    private ScopeHierarchy(CgroupHierarchy? hierarchy, string scopeCgroup)
    {
        Hierarchy = hierarchy;
        ScopeCgroup = scopeCgroup;
    }

    /// <summary>Null when the memory hierarchy cannot be found (no cgroupfs mounted, another cgroup namespace).</summary>
    public CgroupHierarchy? Hierarchy { get; }

    /// <summary>The scope's cgroup path ("/" for the system).</summary>
    public string ScopeCgroup { get; }

    /// <summary>A cgroup scope's own hierarchy; the system's memory hierarchy from /proc/self/mountinfo.</summary>
    public static ScopeHierarchy Of(ResolvedScope scope, string mountInfo = "/proc/self/mountinfo")
    {
        if (scope.Cgroup is { } dir)
        {
            return new ScopeHierarchy(CgroupHierarchy.Of(dir), dir.RelativePath);
        }

        return new ScopeHierarchy(CgroupHierarchy.LocateMemory(mountInfo), "/");
    }

    /// <summary>A hierarchy and scope given directly (tests, fixture trees).</summary>
    public static ScopeHierarchy For(CgroupHierarchy? hierarchy, string scopeCgroup) => new(hierarchy, scopeCgroup);

    /// <summary>
    /// The memcg the kernel's OOM would strike in (oom_domain): the cgroup whose limit bites first for a
    /// limited cgroup scope, the root otherwise (a global OOM).
    /// </summary>
    public string KernelOomDomain(OomScope scope)
    {
        if (scope.Kind == ScopeKind.System || !scope.Limited || Hierarchy is null)
        {
            return "/";
        }

        return (scope.OomingCgroup is { } ooming ? Hierarchy.PathOf(ooming) : null) ?? ScopeCgroup;
    }
}
