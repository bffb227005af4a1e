// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Cgroups;

namespace Pardon.Linux.Pressure;

/// <summary>
/// Where a scope's memory stall is read from:
/// <list type="bullet">
/// <item>the system: /proc/pressure/memory;</item>
/// <item>a cgroup v2 scope: its memory.pressure;</item>
/// <item>a cgroup v1 memory scope (the hybrid layout: the memory controller on v1, a v2 hierarchy mounted
/// beside it, usually at /sys/fs/cgroup/unified): v1 has no PSI, but PSI is kept for every v2 cgroup
/// whether or not any controller is enabled there (kernel/cgroup/cgroup.c cgroup_pressure files;
/// kernel/sched/psi.c charges a task's stall to its v2 cgroup and every ancestor), so the v2 cgroup at the
/// same path — its twin, where systemd puts the same processes — has memory.pressure even without the memory
/// controller. The twin is found through /proc/self/mountinfo, so mount points and cgroup namespaces are
/// honoured.</item>
/// </list>
/// Paths are parameters, so tests resolve fixture trees.
/// </summary>
public sealed record PressureSource(string Path, string Description)
{
    /// <summary>
    /// The source for a scope (<paramref name="cgroup"/> null: the system), or null with the reason, for a
    /// warning, in <paramref name="problem"/>. Only checks that the file exists; <see cref="PressureFile.TryOpen"/>
    /// finds out whether it reads.
    /// </summary>
    public static PressureSource? Resolve(CgroupDirectory? cgroup, out string problem, string procRoot = "/proc", string? mountInfoPath = null)
    {
        problem = "";
        if (cgroup is null)
        {
            string system = System.IO.Path.Combine(procRoot, "pressure/memory");
            if (File.Exists(system))
            {
                return new PressureSource(system, "the system's memory pressure");
            }

            problem = $"{system} does not exist: this kernel has no PSI (CONFIG_PSI is off)";
            return null;
        }

        if (cgroup.Version == CgroupVersion.V2)
        {
            string own = cgroup.FilePath("memory.pressure");
            if (File.Exists(own))
            {
                return new PressureSource(own, "the cgroup's memory pressure");
            }

            problem = $"{own} does not exist: this kernel has no PSI, or the cgroup's pressure files are off (cgroup.pressure)";
            return null;
        }

        MountInfo mounts = MountInfo.Read(mountInfoPath ?? System.IO.Path.Combine(procRoot, "self/mountinfo"));
        MountInfo.Mount? v1 = mounts.V1MountOf(cgroup.Path, "memory");
        if (v1 is null)
        {
            problem = $"{cgroup.Path} is a cgroup v1 memory cgroup, which has no PSI, and no v1 memory mount holding it is listed in mountinfo";
            return null;
        }

        string hierarchyPath = v1.HierarchyPath(cgroup.Path);
        string? firstTwin = null;
        foreach (MountInfo.Mount v2 in mounts.V2Mounts())
        {
            if (v2.DirectoryOf(hierarchyPath) is not string twin)
            {
                continue;
            }

            firstTwin ??= twin;
            string file = System.IO.Path.Combine(twin, "memory.pressure");
            if (File.Exists(file))
            {
                return new PressureSource(file, $"the memory pressure of the cgroup's v2 twin {twin} (cgroup v1 has no PSI)");
            }
        }

        problem = firstTwin is not null
            ? $"{cgroup.Path} is a cgroup v1 memory cgroup, which has no PSI, and its v2 twin {firstTwin} does not exist (create it and put the same processes in it, as systemd does on hybrid hosts)"
            : $"{cgroup.Path} is a cgroup v1 memory cgroup, which has no PSI, and no cgroup v2 mount shows its path to read it from (mount cgroup2, e.g. at /sys/fs/cgroup/unified)";
        return null;
    }
}
