// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Daemon.Monitor;

/// <summary>
/// Who dies with a victim, decided just before the signal: the victim first, then the rest of its unit;
/// for a cgroup unit, the cgroup that dies and the members spared in it (and why).
/// </summary>
public sealed class KillPlan
{
    public required ProcessFacts Victim { get; init; }

    /// <summary>The unit: the victim's rule's, or <see cref="KillUnit.Cgroup"/> when a memory.oom.group takes the victim's cgroup with it.</summary>
    public KillUnit Unit { get; init; }

    /// <summary>The cgroup (as /proc/PID/cgroup shows it) that dies as a unit; null for the process and process-group units.</summary>
    public string? Cgroup { get; init; }

    /// <summary>True when <see cref="Cgroup"/> is the victim's memory.oom.group (v2): the kernel would kill it whole too.</summary>
    public bool OomGroup { get; init; }

    /// <summary>True when the cgroup's members were read from its cgroup.procs files at kill time, not from the last scan.</summary>
    public bool FreshMembership { get; init; }

    /// <summary>The processes to signal, the victim first.</summary>
    public List<ProcessFacts> Members { get; } = [];

    /// <summary>Members of the unit Pardon must not kill.</summary>
    public List<SparedMember> Spared { get; } = [];

    /// <summary>
    /// SIGKILL may go through cgroup.kill (v2): the cgroup is reachable and no member is spared, so the
    /// kernel's kill-everything-and-every-fork is exactly the plan.
    /// </summary>
    public bool CgroupKill { get; internal set; }
}
