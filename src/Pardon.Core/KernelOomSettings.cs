// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// The settings and states, read from /proc and cgroupfs, that change what the kernel does on an OOM beyond
/// its badness arithmetic. Null where unknown or not applicable.
/// </summary>
public sealed record KernelOomSettings
{
    /// <summary>vm.panic_on_oom (0, 1 or 2), or null when unreadable.</summary>
    public int? PanicOnOom { get; init; }

    /// <summary>vm.oom_kill_allocating_task, or null when unreadable.</summary>
    public bool? OomKillAllocatingTask { get; init; }

    /// <summary>cgroup v1 memory.oom_control oom_kill_disable of the OOMing memcg.</summary>
    public bool? OomKillDisable { get; init; }

    /// <summary>cgroup v1 memory.oom_control under_oom of the OOMing memcg: an OOM is being handled, or tasks wait in it.</summary>
    public bool? UnderOom { get; init; }

    /// <summary>The OOMing memcg's oom_kill counter (v1 memory.oom_control, v2 memory.events), or the system's (/proc/vmstat oom_kill).</summary>
    public long? OomKills { get; init; }

    public PidNamespaceKind PidNamespace { get; init; } = PidNamespaceKind.Initial;

    /// <summary>The rss counter the running kernel's oom_badness() reads, as Pardon determined it.</summary>
    public RssCounter RssCounter { get; init; }

    /// <summary>How <see cref="RssCounter"/> was determined, in words.</summary>
    public string? RssCounterBasis { get; init; }
}
