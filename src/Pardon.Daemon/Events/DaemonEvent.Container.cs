// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;
using Pardon.Core;
using Pardon.Core.Containers;
using Pardon.Daemon.Monitor;

namespace Pardon.Daemon.Events;

/// <summary>
/// Where the process of a kill event runs (container, runtime, pod, QoS class, systemd unit: the fields
/// appear when its cgroup path shows them) and, for a cgroup unit, the cgroup that died and the members
/// spared in it. The systemd unit is "systemd_unit": "unit" is the kill unit.
/// </summary>
public sealed partial class DaemonEvent
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

    /// <summary>The cgroup (as /proc/PID/cgroup shows it) killed as a unit.</summary>
    [JsonPropertyOrder(1)]
    [JsonPropertyName("kill_cgroup")]
    public string? KillCgroup { get; set; }

    /// <summary>True when that cgroup is the victim's memory.oom.group (the kernel would have killed it whole).</summary>
    [JsonPropertyOrder(1)]
    [JsonPropertyName("oom_group")]
    public bool? OomGroup { get; set; }

    /// <summary>True when SIGKILL went through the cgroup's cgroup.kill (v2).</summary>
    [JsonPropertyOrder(1)]
    [JsonPropertyName("cgroup_kill")]
    public bool? CgroupKill { get; set; }

    /// <summary>Sets the placement fields from a ranked process.</summary>
    public DaemonEvent WithPlacement(in Evaluation e)
    {
        ContainerIdentity id = e.Process.Container;
        Container = id.Container;
        Runtime = Explanation.DescribeRuntime(id.Runtime);
        Pod = id.Pod;
        Qos = KubernetesQos.Name(e.Qos);
        SystemdUnit = id.Unit;
        return this;
    }

    /// <summary>Sets the cgroup-unit fields from a kill plan.</summary>
    public DaemonEvent WithPlan(KillPlan plan)
    {
        KillCgroup = plan.Cgroup;
        OomGroup = plan.OomGroup ? true : null;
        foreach (SparedMember m in plan.Spared)
        {
            if (Spared is null || !Spared.Exists(x => x.Pid == m.Pid))
            {
                (Spared ??= []).Add(new SparedReport { Pid = m.Pid, Comm = m.Comm, Reason = m.Reason });
            }
        }

        return this;
    }
}
