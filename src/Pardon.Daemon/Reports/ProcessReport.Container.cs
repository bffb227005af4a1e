// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;
using Pardon.Core;
using Pardon.Core.Containers;

namespace Pardon.Daemon.Reports;

/// <summary>
/// Where the process runs, when its cgroup path shows it: the container (short id) and runtime, the
/// Kubernetes pod and QoS class, the systemd unit ("systemd_unit": "unit" is the kill unit).
/// </summary>
public sealed partial class ProcessReport
{
    [JsonPropertyName("container")]
    public string? Container { get; set; }

    [JsonPropertyName("runtime")]
    public string? Runtime { get; set; }

    [JsonPropertyName("pod")]
    public string? Pod { get; set; }

    [JsonPropertyName("qos")]
    public string? Qos { get; set; }

    [JsonPropertyName("systemd_unit")]
    public string? SystemdUnit { get; set; }

    public ProcessReport WithPlacement(in Evaluation e)
    {
        ContainerIdentity id = e.Process.Container;
        Container = id.Container;
        Runtime = Explanation.DescribeRuntime(id.Runtime);
        Pod = id.Pod;
        Qos = KubernetesQos.Name(e.Qos);
        SystemdUnit = id.Unit;
        return this;
    }
}
