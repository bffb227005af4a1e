// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Configuration;

public sealed partial class PardonConfig
{
    /// <summary>
    /// containers.qos_order: Kubernetes QoS classes before scores (BestEffort, Burstable, no pod,
    /// Guaranteed). On by default; it changes nothing where no process is in a pod.
    /// </summary>
    public bool QosOrder { get; set; } = true;
}
