// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Containers;

/// <summary>
/// What a process's memory cgroup path says about where it runs: the container (and its runtime), the
/// Kubernetes pod and QoS class, and the systemd unit. Computed once per path by
/// <see cref="ContainerPath.Parse"/>; every field is null (or None) when the path does not show it.
/// </summary>
public sealed record ContainerIdentity
{
    /// <summary>Nothing recognised: a process outside any container, pod or unit (or with no memory cgroup).</summary>
    public static ContainerIdentity None { get; } = new();

    /// <summary>The container's id as `docker ps` and `crictl ps` show it: its first 12 characters.</summary>
    public string? Container { get; init; }

    /// <summary>The full container id, as the path has it.</summary>
    public string? ContainerId { get; init; }

    public ContainerRuntime Runtime { get; init; }

    /// <summary>
    /// The container's own cgroup: the path up to and including the container's directory. A process may sit
    /// deeper (systemd inside a container, nested runtimes); killing the container means killing this subtree.
    /// </summary>
    public string? ContainerCgroup { get; init; }

    /// <summary>The Kubernetes pod's uid (with dashes, as `kubectl get pod -o yaml` shows it).</summary>
    public string? Pod { get; init; }

    /// <summary>The pod's QoS class as its cgroup path shows it; None when the path does not say (see <see cref="KubernetesQos"/>).</summary>
    public QosClass Qos { get; init; }

    /// <summary>
    /// True when the path shows a Kubernetes pod or a runtime that only Kubernetes drives (the CRI plugins):
    /// then a QoS class the path does not show may be read from oom_score_adj.
    /// </summary>
    public bool Kubernetes { get; init; }

    /// <summary>The innermost systemd unit of the path (a ".service" or ".scope" directory), or null.</summary>
    public string? Unit { get; init; }

    public bool IsContainer => ContainerId is not null;
}
