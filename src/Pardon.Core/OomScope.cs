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
}
