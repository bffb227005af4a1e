// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;
using Pardon.Core;
using Pardon.Core.Containers;

namespace Pardon.Daemon.Events;

/// <summary>Where a candidate runs, when its cgroup path shows it.</summary>
public sealed partial class CandidateReport
{
    [JsonPropertyOrder(1)]
    [JsonPropertyName("container")]
    public string? Container { get; set; }

    [JsonPropertyOrder(1)]
    [JsonPropertyName("pod")]
    public string? Pod { get; set; }

    [JsonPropertyOrder(1)]
    [JsonPropertyName("qos")]
    public string? Qos { get; set; }

    [JsonPropertyOrder(1)]
    [JsonPropertyName("systemd_unit")]
    public string? SystemdUnit { get; set; }

    public CandidateReport WithPlacement(in Evaluation e)
    {
        ContainerIdentity id = e.Process.Container;
        Container = id.Container;
        Pod = id.Pod;
        Qos = KubernetesQos.Name(e.Qos);
        SystemdUnit = id.Unit;
        return this;
    }
}
