// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Daemon.Containers;
using Pardon.Linux.Processes;

namespace Pardon.Daemon.Monitor;

/// <summary>Kill units that are cgroups: containers, memory.oom.group (v2), fresh membership, cgroup.kill.</summary>
public sealed partial class MonitorLoop
{
    private ScopeHierarchy? _where;

    /// <summary>Found once (at the start-up warm-up), so the kill path never looks for the mount.</summary>
    private ScopeHierarchy Where => _where ??= ScopeHierarchy.Of(_monitor.Scope);

    /// <summary>Only cgroup v2 has memory.oom.group.</summary>
    private bool MayHaveOomGroups => Where.Hierarchy?.Version == CgroupVersion.V2;

    private KillContext KillContextAt(long nowMs) => new()
    {
        Policy = _monitor.Policy,
        Pardons = _pardons,
        Hierarchy = Where.Hierarchy,
        ScopeCgroup = Where.ScopeCgroup,
        NowMs = nowMs,
    };

    private KillPlan PlanKill(Ranking ranking, int victimIndex, long nowMs) => KillUnitResolver.Plan(ranking, victimIndex, KillContextAt(nowMs));

    /// <summary>SIGKILL through cgroup.kill when the plan allows it (v2, nobody to spare). False when not used or refused.</summary>
    private bool KillCgroup(KillPlan plan)
        => plan.CgroupKill && plan.Cgroup is { } cgroup && Where.Hierarchy is { } h && h.Kill(cgroup) == 0;

    /// <summary>
    /// Escalation of a cgroup unit to SIGKILL: cgroup.kill where the plan allows it; otherwise the processes
    /// that joined the cgroup since the first signal (forked by its members) are pinned and killed as well.
    /// </summary>
    private void EscalateUnit(KillPlan? plan, List<PidFd> pidfds)
    {
        if (plan?.Cgroup is null)
        {
            return;
        }

        if (KillCgroup(plan))
        {
            return;
        }

        foreach (ProcessFacts p in KillUnitResolver.Newcomers(plan, KillContextAt(Linux.Io.Clock.BootTimeMs())))
        {
            if (PidFd.TryOpen(p.Pid, p.StartTime, out _) is { } fd)
            {
                _ = fd.SendSignal(SIGKILL);
                pidfds.Add(fd);
            }
        }
    }

    /// <summary>" in container 0123456789ab (containerd), pod …, QoS BestEffort", or "".</summary>
    private static string PlacementText(in Evaluation e)
        => Explanation.DescribePlacement(e.Process.Container, e.Qos) is { } text ? " in " + text : "";

    /// <summary>" with its cgroup /kubepods/… (3 processes, 1 spared)", or "" for a victim alone.</summary>
    private static string UnitText(KillPlan plan)
    {
        string spared = plan.Spared.Count > 0 ? $", {plan.Spared.Count} spared" : "";
        if (plan.Cgroup is { } cgroup)
        {
            string what = plan.OomGroup ? "memory.oom.group" : "cgroup";
            return $" with its {what} {cgroup} ({plan.Members.Count} process{(plan.Members.Count == 1 ? "" : "es")}{spared})";
        }

        return plan.Members.Count > 1 || plan.Spared.Count > 0
            ? $" with its {Explanation.Describe(plan.Unit)} ({plan.Members.Count} processes{spared})"
            : "";
    }
}
