// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Daemon.Monitor;

/// <summary>
/// Who dies with a victim: the victim alone, its process group, or its cgroup — never a process Pardon must
/// not kill (pid 1, kernel threads, the daemon, pardoned or protected processes, oom_score_adj -1000),
/// and never a process outside the scope. The victim always comes first.
/// </summary>
public static class KillUnitResolver
{
    public static List<ProcessFacts> Resolve(Ranking ranking, int victimIndex)
    {
        ref Evaluation victim = ref ranking[victimIndex];
        var members = new List<ProcessFacts> { victim.Process };
        if (victim.Unit == KillUnit.Process)
        {
            return members;
        }

        for (int i = 0; i < ranking.Count; i++)
        {
            if (i == victimIndex)
            {
                continue;
            }

            ref Evaluation e = ref ranking[i];
            if (!e.Eligible || e.Tier == Tier.Protected)
            {
                continue;
            }

            bool same = victim.Unit switch
            {
                KillUnit.ProcessGroup => e.Process.Pgid == victim.Process.Pgid && victim.Process.Pgid > 1,
                KillUnit.Cgroup => victim.Process.Cgroup is not null && e.Process.Cgroup == victim.Process.Cgroup,
                _ => false,
            };
            if (same)
            {
                members.Add(e.Process);
            }
        }

        return members;
    }
}
