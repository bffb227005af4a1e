// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Containers;

/// <summary>
/// cgroup v2's memory.oom.group, as the kernel applies it (mm/memcontrol.c mem_cgroup_get_oom_group(),
/// mm/oom_kill.c oom_kill_process()): after choosing a victim, walk from the victim's memcg up to the memcg
/// that is out of memory (the root for a global OOM), inclusive, and remember the HIGHEST one with
/// memory.oom.group = 1; if there is one, every task of that memcg and its descendants dies with the victim
/// — except those with oom_score_adj -1000 and the global init (oom_kill_memcg_member()). Nothing when the
/// victim's memcg is the root or not below the OOMing memcg. cgroup v1 has no such file.
/// </summary>
public static class OomGroup
{
    /// <summary>
    /// The cgroup that dies as a whole with a victim in <paramref name="victimCgroup"/> during an OOM of
    /// <paramref name="oomDomain"/> ("/" for the system), or null. <paramref name="isOomGroup"/> reads one
    /// cgroup's memory.oom.group.
    /// </summary>
    public static string? Find(string? victimCgroup, string oomDomain, Func<string, bool> isOomGroup)
    {
        if (victimCgroup is null || victimCgroup == "/" || !CgroupPaths.IsWithin(victimCgroup, oomDomain))
        {
            return null;
        }

        string? group = null;
        for (string? current = victimCgroup; current is not null; current = CgroupPaths.Parent(current))
        {
            // The root has no memory.oom.group file; reading it would only fail.
            if (current != "/" && isOomGroup(current))
            {
                group = current;
            }

            if (current == oomDomain)
            {
                break;
            }
        }

        return group;
    }

    /// <summary>
    /// The kernel's kill set: the victim first, then every other process of <paramref name="group"/>'s
    /// subtree that oom_kill_memcg_member() would signal (not oom_score_adj -1000, not pid 1, with an mm).
    /// </summary>
    public static List<int> KillSet(Ranking ranking, int victimIndex, string group)
    {
        var pids = new List<int> { ranking[victimIndex].Process.Pid };
        for (int i = 0; i < ranking.Count; i++)
        {
            ref Evaluation e = ref ranking[i];
            ProcessFacts p = e.Process;
            if (i == victimIndex || !CgroupPaths.IsWithin(p.Cgroup, group) ||
                e.KernelIneligibility is KernelIneligibility.Init or KernelIneligibility.OomScoreAdjMin or KernelIneligibility.NoMm or KernelIneligibility.KernelThread)
            {
                continue;
            }

            pids.Add(p.Pid);
        }

        return pids;
    }
}
