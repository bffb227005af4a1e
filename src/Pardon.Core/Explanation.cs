// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Core.Containers;

namespace Pardon.Core;

/// <summary>Turns an evaluation into the sentences users read in `pardon rank`, `pardon explain` and kill events.</summary>
public static partial class Explanation
{
    /// <summary>The short reasons list of the JSON contract: what moved this process's standing.</summary>
    public static List<string> Reasons(in Evaluation e, OomScope scope, bool isKernelVictim, bool isVictim)
    {
        var reasons = new List<string>();
        ProcessFacts p = e.Process;
        if (isVictim)
        {
            reasons.Add("Pardon's victim: first in Pardon's order");
        }

        if (isKernelVictim)
        {
            reasons.Add("the kernel's victim: highest badness" + (scope.Kind == ScopeKind.Cgroup
                ? (scope.OomingCgroup is string o && o != scope.Path ? $" in {o}, the ancestor whose OOM strikes first" : " in the cgroup")
                : ""));
        }

        AddPredictionReasons(reasons, in e, scope);

        switch (e.Exclusion)
        {
            case Exclusion.KernelIneligible:
                if (e.Pardon is { } grant)
                {
                    reasons.Add(DescribePardon(grant, scope));
                }

                reasons.Add("not eligible: " + Describe(e.KernelIneligibility));
                return reasons;
            case Exclusion.Self:
                reasons.Add("never chosen: this is Pardon itself");
                break;
            case Exclusion.Pardoned:
                reasons.Add(DescribePardon(e.Pardon!, scope));
                break;
            case Exclusion.OutsideScope:
                reasons.Add("never chosen by Pardon for this scope: it lies outside it");
                break;
        }

        if (e.Pardon is { } lapsed && e.PardonLapse != Pardons.PardonLapse.None)
        {
            reasons.Add(Pardons.PardonStanding.Describe(e.PardonLapse, lapsed, p, scope.PageSize));
        }

        if (p.OomScoreAdj != 0)
        {
            long adjPages = p.OomScoreAdj * (long)((ulong)scope.TotalPages / 1000UL);
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"oom_score_adj {p.OomScoreAdj:+#;-#} moves the score by {Units.FormatPages(adjPages, scope.PageSize)}"));
        }

        if (e.GrowthPages > 0)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"grew {Units.FormatPages(e.GrowthPages, scope.PageSize)} in the last {Units.FormatDuration(e.GrowthAgeMs)} (+{e.GrowthBonus} to the score)"));
        }

        if (e.Qos != QosClass.None)
        {
            reasons.Add(DescribeQos(in e));
        }

        if (e.TierRule is { } rule)
        {
            reasons.Add(e.Tier == Tier.Protected
                ? $"protected by {rule.Source} ({rule.Describe()}): chosen only when nothing else is left"
                : $"preferred by {rule.Source} ({rule.Describe()}): chosen before ordinary processes");
        }

        if (e.Negligible && e.Exclusion == Exclusion.None)
        {
            reasons.Add($"holds only {Units.FormatPages(VictimSelector.Footprint(p, scope.PageSize), scope.PageSize)}: too small to relieve a shortage, chosen only when no larger candidate is left");
        }

        if (e.Unit != KillUnit.Process && e.UnitRule is { } unitRule)
        {
            reasons.Add($"kill unit {Describe(e.Unit)} (from {unitRule.Source})");
        }

        return reasons;
    }

    /// <summary>"Kubernetes QoS BestEffort (from the cgroup path): chosen before Burstable and Guaranteed pods and processes in no pod".</summary>
    public static string DescribeQos(in Evaluation e)
    {
        string source = e.QosFromAdj
            ? string.Create(CultureInfo.InvariantCulture, $"from oom_score_adj {e.Process.OomScoreAdj}")
            : "from the cgroup path";
        string text = $"Kubernetes QoS {KubernetesQos.Name(e.Qos)} ({source})";
        if (e.QosRank == KubernetesQos.KillOrder(QosClass.None))
        {
            return text + "; the QoS order is off (containers.qos_order)";
        }

        return text + e.Qos switch
        {
            QosClass.BestEffort => ": chosen before Burstable and Guaranteed pods and processes in no pod",
            QosClass.Burstable => ": chosen after BestEffort pods, before processes in no pod and Guaranteed pods",
            _ => ": chosen only after every process of the other classes and in no pod",
        };
    }

    /// <summary>"container 0123456789ab (containerd), pod 9f1c…, QoS Burstable, unit cri-containerd-….scope", or null when the path shows none of these.</summary>
    public static string? DescribePlacement(ContainerIdentity id, QosClass qos)
    {
        var parts = new List<string>(4);
        if (id.Container is { } c)
        {
            parts.Add(id.Runtime == ContainerRuntime.Unknown ? "container " + c : $"container {c} ({DescribeRuntime(id.Runtime)})");
        }

        if (id.Pod is { } pod)
        {
            parts.Add("pod " + pod);
        }

        if (KubernetesQos.Name(qos) is { } q)
        {
            parts.Add("QoS " + q);
        }

        if (id.Unit is { } unit)
        {
            parts.Add("unit " + unit);
        }

        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    /// <summary>"docker", "containerd", "cri-o", "podman", "unknown"; null outside containers.</summary>
    public static string? DescribeRuntime(ContainerRuntime runtime) => runtime switch
    {
        ContainerRuntime.Docker => "docker",
        ContainerRuntime.Containerd => "containerd",
        ContainerRuntime.CriO => "cri-o",
        ContainerRuntime.Podman => "podman",
        ContainerRuntime.Unknown => "unknown",
        _ => null,
    };

    public static string Describe(KernelIneligibility why) => why switch
    {
        KernelIneligibility.Init => "pid 1 (init) is never killed",
        KernelIneligibility.KernelThread => "kernel thread",
        KernelIneligibility.NoMm => "no memory of its own (a zombie, or exiting)",
        KernelIneligibility.OomScoreAdjMin => "oom_score_adj -1000 (OOM-disabled)",
        KernelIneligibility.InVfork => "a vfork child sharing its parent's memory",
        _ => "eligible",
    };

    public static string Describe(KillUnit unit) => unit switch
    {
        KillUnit.ProcessGroup => "process_group",
        KillUnit.Cgroup => "cgroup",
        _ => "process",
    };

    public static string Describe(Tier tier) => tier switch
    {
        Tier.Protected => "protected",
        Tier.Preferred => "preferred",
        _ => "normal",
    };

    public static string DescribePardon(PardonGrant g, OomScope scope)
    {
        string text = $"pardoned ({g.Rule}, asked by uid {g.RequestedByUid}";
        if (g.MaxRssKiB > 0)
        {
            text += ", ceiling " + Units.FormatKiB(g.MaxRssKiB);
        }

        if (g.ExpiresAtUnixMs is long expires)
        {
            text += ", until " + DateTimeOffset.FromUnixTimeMilliseconds(expires).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        }

        if (!string.IsNullOrEmpty(g.Reason))
        {
            text += ": " + g.Reason;
        }

        _ = scope;
        return text + ")";
    }

    /// <summary>The long form for `pardon explain`: every term of both scores, with the arithmetic.</summary>
    public static List<string> Breakdown(in Evaluation e, OomScope scope)
    {
        var lines = new List<string>();
        ProcessFacts p = e.Process;
        long kibPerPage = scope.PageSize / 1024;
        long ptPages = p.PgTablesBytes / scope.PageSize;
        long unit = (long)((ulong)scope.TotalPages / 1000UL);
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"scope: {(scope.Kind == ScopeKind.System ? "system" : "cgroup " + scope.Path)}, totalpages {scope.TotalPages} ({Units.FormatPages(scope.TotalPages, scope.PageSize)}), page size {scope.PageSize}"));
        if (scope.OomingCgroup is string ooming && ooming != scope.Path)
        {
            lines.Add($"the OOM that strikes first is {ooming}'s (an ancestor with less headroom): totalpages is its limit, and it scans its whole subtree");
        }
        if (!e.KernelEligible)
        {
            lines.Add("kernel: not eligible — " + Describe(e.KernelIneligibility) + "; /proc/PID/oom_score reads 0");
        }
        else
        {
            if (p.MmThreadId != 0)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"main thread exited: memory read through thread {p.MmThreadId}, as the kernel does (find_lock_task_mm())"));
            }

            lines.Add(p.KernelRssPages is long approximate
                ? string.Create(CultureInfo.InvariantCulture,
                    $"rss: {approximate} pages ({Units.FormatPages(approximate, scope.PageSize)}): the per-CPU counters' approximate total (/proc/PID/stat), which this kernel's oom_badness() reads; the precise sum is {p.PreciseRssPages} = anon {p.RssAnonPages} + file {p.RssFilePages} + shmem {p.RssShmemPages}")
                : string.Create(CultureInfo.InvariantCulture,
                    $"rss: {p.RssPages} pages ({Units.FormatPages(p.RssPages, scope.PageSize)}) = anon {p.RssAnonPages} + file {p.RssFilePages} + shmem {p.RssShmemPages} (the precise sums, which this kernel's oom_badness() reads)"));
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"swap entries: {p.SwapPages} pages ({p.SwapPages * kibPerPage} KiB)"));
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"page tables: {p.PgTablesBytes} bytes = {ptPages} pages"));
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"oom_score_adj: {p.OomScoreAdj} × (totalpages / 1000 = {unit}) = {p.OomScoreAdj * unit} pages"));
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"kernel badness: {p.RssPages} + {p.SwapPages} + {ptPages} + {p.OomScoreAdj * unit} = {e.KernelBadness}"));
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"oom_score: (1000 + badness × 1000 / system totalpages {scope.SystemTotalPages}) × 2 / 3 = {e.OomScore} (badness against the system's totalpages)"));
        }

        if (e.KernelEligible)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"growth: {e.GrowthPages} pages within the window → +{e.GrowthBonus}; Pardon score {e.Score}"));
            lines.Add("tier: " + Describe(e.Tier) + (e.TierRule is { } r ? $" ({r.Source}: {r.Describe()})" : ""));
            lines.Add("kill unit: " + Describe(e.Unit) + (e.UnitRule is { } u ? $" ({u.Source})" : ""));
        }

        if (DescribePlacement(p.Container, e.Qos) is { } placement)
        {
            lines.Add("runs in: " + placement + (e.Qos != QosClass.None ? "; " + DescribeQos(in e) : ""));
        }

        return lines;
    }
}
