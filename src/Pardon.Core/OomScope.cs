// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>
/// Where an OOM happens and the denominator the kernel uses there (oc->totalpages).
/// </summary>
/// <param name="Kind">System or one memory cgroup.</param>
/// <param name="Path">The cgroup directory for a cgroup scope; null for the system.</param>
/// <param name="TotalPages">oc->totalpages for an OOM in this scope.</param>
/// <param name="SystemTotalPages">totalram_pages() + total_swap_pages: what /proc/PID/oom_score always uses.</param>
/// <param name="PageSize">PAGE_SIZE in bytes.</param>
/// <param name="CgroupVersion">For a cgroup scope, the hierarchy's version.</param>
/// <param name="Limited">False when a cgroup scope has no memory limit at all, so only the system's OOM can strike.</param>
public sealed record OomScope(
    ScopeKind Kind,
    string? Path,
    long TotalPages,
    long SystemTotalPages,
    long PageSize,
    CgroupVersion? CgroupVersion = null,
    bool Limited = true)
{
    public long KiBPerPage => PageSize / 1024;

    /// <summary>For a cgroup scope, the cgroup whose limit bites first (this one or an ancestor).</summary>
    public string? OomingCgroup { get; init; }

    /// <summary>For a cgroup scope, that cgroup's memory limit in bytes.</summary>
    public long LimitBytes { get; init; }

    /// <summary>For a cgroup scope: the scope and its ancestors (nearest first) with their counters, as read.</summary>
    public IReadOnlyList<CgroupLevel> Levels { get; init; } = [];

    /// <summary>Index into <see cref="Levels"/> of <see cref="OomingCgroup"/>, or -1.</summary>
    public int OomingLevel { get; init; } = -1;

    /// <summary>The scope's path inside its hierarchy, as /proc/PID/cgroup shows it ("/a/b"), for telling who is inside it.</summary>
    public string? ScopeCgroup { get; init; }

    /// <summary>
    /// The cgroup directory whose subtree the ranked processes were read from, when that is an ancestor of the
    /// scope (the OOMing one, so its other children's processes are candidates too); null when they come from
    /// the scope itself.
    /// </summary>
    public string? ScanRoot { get; init; }

    /// <summary>
    /// False for a process listed only because the processes were read from an ancestor's subtree
    /// (<see cref="ScanRoot"/>) and it is not in the scope's (a sibling's process, which the kernel's OOM there
    /// also scans). True whenever the processes come from the scope itself, and when its cgroup is unknown.
    /// </summary>
    public bool Contains(ProcessFacts p)
        => ScanRoot is null || ScopeCgroup is not string scope || scope == "/" || p.Cgroup is null ||
           Containers.CgroupPaths.IsWithin(p.Cgroup, scope);
}
