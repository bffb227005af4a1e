// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Reports;

public sealed class ScopeReport
{
    /// <summary>"system" or "cgroup".</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    [JsonPropertyName("path")]
    public string? Path { get; init; }

    /// <summary>oc->totalpages for an OOM in this scope.</summary>
    [JsonPropertyName("total_pages")]
    public long TotalPages { get; init; }

    [JsonPropertyName("page_size")]
    public long PageSize { get; init; }

    /// <summary>totalram_pages() + total_swap_pages, the denominator of /proc/PID/oom_score.</summary>
    [JsonPropertyName("system_total_pages")]
    public long SystemTotalPages { get; init; }

    [JsonPropertyName("cgroup_version")]
    public int? CgroupVersion { get; init; }

    /// <summary>For a cgroup: the cgroup (this one or an ancestor) whose limit bites first.</summary>
    [JsonPropertyName("ooming_cgroup")]
    public string? OomingCgroup { get; init; }

    [JsonPropertyName("limit_bytes")]
    public long? LimitBytes { get; init; }

    /// <summary>For a cgroup: the scope and its ancestors, nearest first, with limits, usage and headroom.</summary>
    [JsonPropertyName("levels")]
    public List<CgroupLevelReport>? Levels { get; init; }
}
