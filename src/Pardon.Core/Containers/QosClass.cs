// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Containers;

/// <summary>A Kubernetes pod's quality-of-service class (the kubelet's names), or none for anything not in a pod.</summary>
public enum QosClass
{
    None,

    /// <summary>No requests or limits: the kubelet sets oom_score_adj 1000 and evicts these first.</summary>
    BestEffort,

    /// <summary>Requests below limits: oom_score_adj 2..999, lower for larger requests.</summary>
    Burstable,

    /// <summary>Requests equal limits for every container: oom_score_adj -997 (-998 on older kubelets).</summary>
    Guaranteed,
}
