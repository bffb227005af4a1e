// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Containers;

/// <summary>
/// Kubernetes QoS classes as kill policy. The kubelet's own order — that of the oom_score_adj values it
/// gives containers (pkg/kubelet/qos/policy.go) and of its older eviction ranking (qosComparator) — is
/// BestEffort first, then Burstable, then Guaranteed; Pardon compares classes before scores and keeps its
/// ordinary ranking within a class. A process in no pod sits between Burstable and Guaranteed, where the
/// kernel's own arithmetic puts it (oom_score_adj 0, between Burstable's 2..999 and Guaranteed's -997).
/// </summary>
public static class KubernetesQos
{
    /// <summary>The kubelet's oom_score_adj for BestEffort containers.</summary>
    public const short BestEffortAdj = 1000;

    /// <summary>The kubelet's oom_score_adj for Guaranteed containers (and -998 on older kubelets).</summary>
    public const short GuaranteedAdj = -997;

    /// <summary>Older kubelets' Guaranteed value, and the pod sandbox's (containerd and cri-dockerd defaultSandboxOOMAdj).</summary>
    public const short OldGuaranteedAdj = -998;

    /// <summary>The lowest Burstable value (1000 + the old -998; recent kubelets start at 3).</summary>
    public const short MinBurstableAdj = 2;

    public const short MaxBurstableAdj = 999;

    /// <summary>The class the kubelet's oom_score_adj value stands for, or None for a value it never sets.</summary>
    public static QosClass FromOomScoreAdj(short adj) => adj switch
    {
        BestEffortAdj => QosClass.BestEffort,
        >= MinBurstableAdj and <= MaxBurstableAdj => QosClass.Burstable,
        GuaranteedAdj or OldGuaranteedAdj => QosClass.Guaranteed,
        _ => QosClass.None,
    };

    /// <summary>
    /// A process's class: the one its cgroup path shows; otherwise, for a process the path places in
    /// Kubernetes (a pod directory, or a CRI runtime's container) without showing the class — a path seen
    /// from another cgroup namespace, a kubelet with a custom cgroup root — the one its oom_score_adj stands
    /// for. A process outside Kubernetes has none, whatever its oom_score_adj.
    /// </summary>
    public static QosClass Of(ContainerIdentity identity, short oomScoreAdj, out bool fromAdj)
    {
        fromAdj = false;
        if (identity.Qos != QosClass.None || !identity.Kubernetes)
        {
            return identity.Qos;
        }

        QosClass qos = FromOomScoreAdj(oomScoreAdj);
        fromAdj = qos != QosClass.None;
        return qos;
    }

    /// <summary>The class's place in the kill order: higher dies first (BestEffort 3, Burstable 2, no pod 1, Guaranteed 0).</summary>
    public static int KillOrder(QosClass qos) => qos switch
    {
        QosClass.BestEffort => 3,
        QosClass.Burstable => 2,
        QosClass.Guaranteed => 0,
        _ => 1,
    };

    /// <summary>The kubelet's spelling: "BestEffort", "Burstable", "Guaranteed"; null for none.</summary>
    public static string? Name(QosClass qos) => qos switch
    {
        QosClass.BestEffort => "BestEffort",
        QosClass.Burstable => "Burstable",
        QosClass.Guaranteed => "Guaranteed",
        _ => null,
    };

    /// <summary>Reads a class name as written in a configuration (case-insensitive).</summary>
    public static bool TryParse(string? text, out QosClass qos)
    {
        qos = text?.ToUpperInvariant() switch
        {
            "BESTEFFORT" => QosClass.BestEffort,
            "BURSTABLE" => QosClass.Burstable,
            "GUARANTEED" => QosClass.Guaranteed,
            _ => QosClass.None,
        };
        return qos != QosClass.None;
    }
}
