// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Containers;
using Pardon.Linux.Procfs;

namespace Pardon.Daemon.Monitor;

/// <summary>
/// Who dies with a victim: the victim alone, its process group, or its cgroup — never a process Pardon must
/// not kill (pid 1, the daemon, pardoned or protected processes, oom_score_adj -1000; those are listed as
/// spared), and never a process outside the scope. The victim always comes first.
/// A cgroup unit is the victim's container (the container's own cgroup, whatever sub-cgroup the victim sits
/// in) or else its memory cgroup; on cgroup v2 a memory.oom.group at or above it widens it to the group, as
/// the kernel's OOM killer would (<see cref="OomGroup"/>). Its members are read fresh from cgroup.procs
/// (the cgroup and its descendants) when the hierarchy is reachable, so processes born since the last scan
/// die too; the scan's facts serve where it is not. The root cgroup is never a unit: a victim in it dies alone.
/// </summary>
public static class KillUnitResolver
{
    /// <summary>The members of the victim's unit from the scan alone (no fresh membership, no memory.oom.group).</summary>
    public static List<ProcessFacts> Resolve(Ranking ranking, int victimIndex) => Plan(ranking, victimIndex, KillContext.ScanOnly).Members;

    public static KillPlan Plan(Ranking ranking, int victimIndex, KillContext context)
    {
        ref Evaluation victim = ref ranking[victimIndex];
        ProcessFacts v = victim.Process;
        string? target = victim.Unit == KillUnit.Cgroup ? v.Container.ContainerCgroup ?? v.Cgroup : null;
        bool oomGroup = false;
        if (context.Hierarchy?.FindOomGroup(v.Cgroup, context.ScopeCgroup) is { } group && (target is null || CgroupPaths.IsWithin(target, group)))
        {
            target = group;
            oomGroup = true;
        }

        // A container that holds the whole scope (a scope set inside it) is cut down to the scope.
        if (target is not null && !CgroupPaths.IsWithin(target, context.ScopeCgroup))
        {
            target = CgroupPaths.IsWithin(context.ScopeCgroup, target) ? context.ScopeCgroup : null;
        }

        // The root cgroup is the whole machine (on v1, most processes sit in it): never a unit.
        if (target == "/")
        {
            target = null;
        }

        if (victim.Unit != KillUnit.Cgroup && target is null)
        {
            return PlanFromRanking(ranking, victimIndex, context, victim.Unit);
        }

        if (target is null)
        {
            // A cgroup unit without a cgroup path (unreadable /proc/PID/cgroup), or in the root cgroup: the victim alone.
            var alone = new KillPlan { Victim = v, Unit = KillUnit.Cgroup };
            alone.Members.Add(v);
            return alone;
        }

        List<int>? fresh = context.Hierarchy?.ReadMembers(target);
        var plan = new KillPlan
        {
            Victim = v,
            Unit = KillUnit.Cgroup,
            Cgroup = target,
            OomGroup = oomGroup,
            FreshMembership = fresh is not null,
        };
        plan.Members.Add(v);
        if (fresh is null)
        {
            for (int i = 0; i < ranking.Count; i++)
            {
                if (i != victimIndex && CgroupPaths.IsWithin(ranking[i].Process.Cgroup, target))
                {
                    Classify(plan, in ranking[i]);
                }
            }

            return plan;
        }

        var ranked = new Dictionary<int, int>(ranking.Count);
        for (int i = 0; i < ranking.Count; i++)
        {
            ranked[ranking[i].Process.Pid] = i;
        }

        var unknown = new List<int>();
        foreach (int pid in fresh)
        {
            if (pid == v.Pid)
            {
                continue;
            }

            if (ranked.TryGetValue(pid, out int i))
            {
                Classify(plan, in ranking[i]);
            }
            else
            {
                unknown.Add(pid);
            }
        }

        // Born since the scan (or moved in): read them now and judge them as the ranking would.
        foreach (ProcessFacts p in ReadFacts(unknown, context))
        {
            Classify(plan, p, context);
        }

        plan.CgroupKill = plan.Spared.Count == 0 && context.Hierarchy!.Version == CgroupVersion.V2;
        return plan;
    }

    /// <summary>
    /// Processes in the plan's cgroup now that are neither members nor spared yet — forked since the plan
    /// was made — judged like the others; spared ones join <see cref="KillPlan.Spared"/>.
    /// </summary>
    public static List<ProcessFacts> Newcomers(KillPlan plan, KillContext context)
    {
        var result = new List<ProcessFacts>();
        if (plan.Cgroup is null || context.Hierarchy?.ReadMembers(plan.Cgroup) is not { } fresh)
        {
            return result;
        }

        var known = new HashSet<int>(plan.Members.Select(m => m.Pid).Concat(plan.Spared.Select(s => s.Pid)));
        List<int> unknown = [.. fresh.Where(pid => !known.Contains(pid))];
        int before = plan.Members.Count;
        int sparedBefore = plan.Spared.Count;
        foreach (ProcessFacts p in ReadFacts(unknown, context))
        {
            Classify(plan, p, context);
        }

        if (plan.Spared.Count != sparedBefore)
        {
            plan.CgroupKill = false; // cgroup.kill would take the newly spared too
        }

        result.AddRange(plan.Members.Skip(before));
        return result;
    }

    private static KillPlan PlanFromRanking(Ranking ranking, int victimIndex, KillContext context, KillUnit unit)
    {
        ProcessFacts v = ranking[victimIndex].Process;
        var plan = new KillPlan { Victim = v, Unit = unit };
        plan.Members.Add(v);
        if (unit != KillUnit.ProcessGroup || v.Pgid <= 1)
        {
            return plan;
        }

        for (int i = 0; i < ranking.Count; i++)
        {
            if (i != victimIndex && ranking[i].Process.Pgid == v.Pgid && CgroupPaths.IsWithin(ranking[i].Process.Cgroup ?? "/", context.ScopeCgroup))
            {
                Classify(plan, in ranking[i]);
            }
        }

        return plan;
    }

    /// <summary>Adds a ranked process to the members, or to the spared with the reason, or leaves out one that cannot be killed anyway.</summary>
    private static void Classify(KillPlan plan, in Evaluation e)
    {
        ProcessFacts p = e.Process;
        string? spared = e.KernelIneligibility switch
        {
            KernelIneligibility.KernelThread or KernelIneligibility.NoMm => "",
            KernelIneligibility.Init => "pid 1 (init)",
            KernelIneligibility.OomScoreAdjMin => "oom_score_adj -1000",
            _ => e.Exclusion switch
            {
                Exclusion.Self => "Pardon itself",
                Exclusion.Pardoned => "pardoned",
                _ => e.Tier == Tier.Protected ? $"protected by {e.TierRule?.Source}" : null,
            },
        };
        Add(plan, p, spared);
    }

    /// <summary>The same judgement for a process the ranking has not seen.</summary>
    private static void Classify(KillPlan plan, ProcessFacts p, KillContext context)
    {
        string? spared = KernelOom.GetIneligibility(p) switch
        {
            KernelIneligibility.KernelThread or KernelIneligibility.NoMm => "",
            KernelIneligibility.Init => "pid 1 (init)",
            KernelIneligibility.OomScoreAdjMin => "oom_score_adj -1000",
            _ => p.Pid == context.Policy.SelfPid || (p.Pid == context.Policy.ObserverPid && p.Pid != 0) ? "Pardon itself"
                : context.Pardons?.Find(p) is not null ? "pardoned"
                : context.Policy.Protect.FirstOrDefault(r => r.Matches(p)) is { } rule ? $"protected by {rule.Source}"
                : null,
        };
        Add(plan, p, spared);
    }

    private static void Add(KillPlan plan, ProcessFacts p, string? spared)
    {
        if (spared is null)
        {
            plan.Members.Add(p);
        }
        else if (spared.Length > 0)
        {
            plan.Spared.Add(new SparedMember(p.Pid, p.Comm, spared));
        }
    }

    private static IEnumerable<ProcessFacts> ReadFacts(List<int> pids, KillContext context)
    {
        if (pids.Count == 0)
        {
            return [];
        }

        using var table = new ProcessTable(context.ProcRoot);
        table.Scan(new FixedPidSource([.. pids]), new PidList(), context.NowMs, context.Policy.GrowthWindowMs);
        return table.Processes.ToArray();
    }
}
