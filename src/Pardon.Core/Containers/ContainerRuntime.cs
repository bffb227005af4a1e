// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Containers;

/// <summary>The container runtime a cgroup path names.</summary>
public enum ContainerRuntime
{
    /// <summary>Not in a container.</summary>
    None,

    /// <summary>A container whose runtime the path does not name (Kubernetes' cgroupfs driver: a bare id under the pod).</summary>
    Unknown,

    /// <summary>Docker (moby): docker-&lt;id&gt;.scope (systemd driver), docker/&lt;id&gt; (cgroupfs).</summary>
    Docker,

    /// <summary>containerd: cri-containerd-&lt;id&gt;.scope (its CRI plugin), nerdctl-&lt;id&gt;.scope.</summary>
    Containerd,

    /// <summary>CRI-O: crio-&lt;id&gt;.scope, crio-&lt;id&gt; (cgroupfs).</summary>
    CriO,

    /// <summary>Podman: libpod-&lt;id&gt;.scope, libpod_parent/libpod-&lt;id&gt; (cgroupfs).</summary>
    Podman,
}
