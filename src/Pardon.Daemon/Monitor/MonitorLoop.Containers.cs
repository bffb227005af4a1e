// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Daemon.Containers;
using Pardon.Linux.Processes;

namespace Pardon.Daemon.Monitor;

/// <summary>Kill units that are cgroups: containers, memory.oom.group (v2), fresh membership, cgroup.kill.</summary>
public sealed partial class MonitorLoop
{
    /// <summary>Found once per scope (at its warm-up or first kill), so the kill path never looks for the mount again.</summary>
    private static ScopeHierarchy Where(WatchedScope scope) => scope.Hierarchy ??= ScopeHierarchy.Of(scope.Resolved);

    /// <summary>Only cgroup v2 has memory.oom.group.</summary>
    private static bool MayHaveOomGroups(WatchedScope scope) => Where(scope).Hierarchy?.Version == CgroupVersion.V2;

    private KillContext KillContextAt(WatchedScope scope, long nowMs) => new()
    {
        Policy = _policy,
        Pardons = _pardons,
        Hierarchy = Where(scope).Hierarchy,
        ScopeCgroup = Where(scope).ScopeCgroup,
        ProcRoot = _procRoot,
        NowMs = nowMs,
    };

    private KillPlan PlanKill(WatchedScope scope, Ranking ranking, int victimIndex, long nowMs) => KillUnitResolver.Plan(ranking, victimIndex, KillContextAt(scope, nowMs));

    /// <summary>SIGKILL through cgroup.kill when the plan allows it (v2, nobody to spare). False when not used or refused.</summary>
    private static bool KillCgroup(WatchedScope scope, KillPlan plan)
        => plan.CgroupKill && plan.Cgroup is { } cgroup && Where(scope).Hierarchy is { } h && h.Kill(cgroup) == 0;

    /// <summary>
    /// Escalation of a cgroup unit to SIGKILL: cgroup.kill where the plan allows it; otherwise the processes
    /// that joined the cgroup since the first signal (forked by its members) are pinned and killed as well.
    /// </summary>
    internal void EscalateUnit(WatchedScope scope, KillPlan? plan, List<PidFd> pidfds)
    {
        if (plan?.Cgroup is null)
        {
            return;
        }

        if (KillCgroup(scope, plan))
        {
            return;
        }

        foreach (ProcessFacts p in KillUnitResolver.Newcomers(plan, KillContextAt(scope, Linux.Io.Clock.BootTimeMs())))
        {
            if (PidFd.TryOpen(p.Pid, p.StartTime, out _) is { } fd)
            {
                _ = fd.SendSignal(Signals.SIGKILL);
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
