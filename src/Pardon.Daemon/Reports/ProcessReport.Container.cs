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
    [JsonPropertyOrder(1)]
    [JsonPropertyName("container")]
    public string? Container { get; set; }

    [JsonPropertyOrder(1)]
    [JsonPropertyName("runtime")]
    public string? Runtime { get; set; }

    [JsonPropertyOrder(1)]
    [JsonPropertyName("pod")]
    public string? Pod { get; set; }

    [JsonPropertyOrder(1)]
    [JsonPropertyName("qos")]
    public string? Qos { get; set; }

    [JsonPropertyOrder(1)]
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
