// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;
using Pardon.Core;
using Pardon.Core.Containers;
using Pardon.Daemon.Containers;

namespace Pardon.Daemon.Reports;

/// <summary>Whom the kernel's OOM killer would kill with its victim: the victim's memory.oom.group (cgroup v2).</summary>
public sealed partial class RankReport
{
    /// <summary>The cgroup that would die whole with the kernel's victim (its highest memory.oom.group ancestor up to the OOMing memcg), or null.</summary>
    [JsonPropertyName("kernel_oom_group")]
    public string? KernelOomGroup { get; set; }

    /// <summary>Every pid the kernel would kill now: its victim, then the rest of the victim's memory.oom.group (without oom_score_adj -1000 and pid 1).</summary>
    [JsonPropertyName("kernel_kill_set")]
    public List<int>? KernelKillSet { get; set; }

    /// <summary>Fills the kernel's kill set, reading memory.oom.group along the kernel victim's ancestry.</summary>
    public RankReport WithKernelKillSet(Ranking ranking, ScopeHierarchy where)
    {
        if (ranking.KernelVictim < 0)
        {
            return this;
        }

        ProcessFacts victim = ranking[ranking.KernelVictim].Process;
        string? group = where.Hierarchy?.FindOomGroup(victim.Cgroup, where.KernelOomDomain(ranking.Scope));
        KernelOomGroup = group;
        KernelKillSet = group is null ? [victim.Pid] : OomGroup.KillSet(ranking, ranking.KernelVictim, group);
        return this;
    }
}
