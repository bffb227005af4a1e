// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Containers;

namespace Pardon.Core;

/// <summary>One process as both the kernel and Pardon see it, with the parts of each score.</summary>
public struct Evaluation
{
    public ProcessFacts Process;

    /// <summary>oom_badness() against the scope's totalpages; <see cref="KernelOom.Ineligible"/> when skipped.</summary>
    public long KernelBadness;

    /// <summary>The predicted /proc/PID/oom_score (system totalpages, whatever the scope).</summary>
    public long OomScore;

    public KernelIneligibility KernelIneligibility;

    public Exclusion Exclusion;

    public Tier Tier;

    /// <summary>The rule behind <see cref="Tier"/>, or null for an ordinary process.</summary>
    public ProcessRule? TierRule;

    public long GrowthPages;

    public long GrowthAgeMs;

    /// <summary>Score added for growth (pages).</summary>
    public long GrowthBonus;

    /// <summary>Pardon's own score: kernel badness plus the growth bonus. Compared within a tier.</summary>
    public long Score;

    /// <summary>
    /// Too small to matter: holds less than the scope's negligible size (see <see cref="SelectionPolicy.NegligibleShare"/>)
    /// while a larger candidate exists, so Pardon passes it over for that one.
    /// </summary>
    public bool Negligible;

    /// <summary>The Kubernetes QoS class (None outside pods), from the cgroup path or else oom_score_adj.</summary>
    public QosClass Qos;

    /// <summary>True when <see cref="Qos"/> was read from oom_score_adj because the path does not show it.</summary>
    public bool QosFromAdj;

    /// <summary>The class's place in Pardon's order (<see cref="KubernetesQos.KillOrder"/>), the same for all when the policy ignores classes.</summary>
    public int QosRank;

    public KillUnit Unit;

    public ProcessRule? UnitRule;

    /// <summary>The pardon the process holds, if any (see <see cref="PardonLapse"/>: it may not protect it).</summary>
    public PardonGrant? Pardon;

    /// <summary>Why <see cref="Pardon"/> does not protect the process in this ranking; None when it does (or there is none).</summary>
    public Pardons.PardonLapse PardonLapse;

    /// <summary>True when a pardon spares the process in this ranking.</summary>
    public readonly bool Spared => Pardon is not null && PardonLapse == Pardons.PardonLapse.None;

    public readonly bool KernelEligible => KernelIneligibility == KernelIneligibility.None;

    public readonly bool Eligible => Exclusion == Exclusion.None;
}
