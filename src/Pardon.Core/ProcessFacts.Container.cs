// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Containers;

namespace Pardon.Core;

public sealed partial class ProcessFacts
{
    private string? _identityPath;
    private ContainerIdentity? _identity;

    /// <summary>
    /// The container, pod, QoS class and systemd unit that <see cref="Cgroup"/> names. Parsed the first time
    /// it is asked for and again only when the path changes (a new string: the table sets it when it
    /// discovers the process or sees it exec), so steady-state scans and rankings allocate nothing for it.
    /// </summary>
    public ContainerIdentity Container
    {
        get
        {
            string? path = Cgroup;
            if (_identity is null || !ReferenceEquals(_identityPath, path))
            {
                _identity = ContainerPath.Parse(path);
                _identityPath = path;
            }

            return _identity;
        }
    }

    /// <summary>The process's Kubernetes QoS class (from its cgroup path, or its oom_score_adj; see <see cref="KubernetesQos.Of"/>).</summary>
    public QosClass Qos => KubernetesQos.Of(Container, OomScoreAdj, out _);
}
