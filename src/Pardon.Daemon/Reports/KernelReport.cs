// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Reports;

/// <summary>
/// `kernel` in rank/explain JSON: what the kernel would do on an OOM in the scope, and the settings and states
/// behind it (vm sysctls, cgroup v1 memory.oom_control, the pid namespace, the rss counter).
/// </summary>
public sealed class KernelReport
{
    /// <summary>"kill", "panic", "kill_allocating_task", "no_kill_disabled" or "no_candidate".</summary>
    [JsonPropertyName("outcome")]
    public required string Outcome { get; init; }

    [JsonPropertyName("panic_on_oom")]
    public int? PanicOnOom { get; init; }

    [JsonPropertyName("oom_kill_allocating_task")]
    public bool? OomKillAllocatingTask { get; init; }

    /// <summary>cgroup v1 memory.oom_control of the OOMing memcg; null elsewhere.</summary>
    [JsonPropertyName("oom_kill_disable")]
    public bool? OomKillDisable { get; init; }

    [JsonPropertyName("under_oom")]
    public bool? UnderOom { get; init; }

    /// <summary>The OOMing memcg's oom_kill counter, or the system's (/proc/vmstat).</summary>
    [JsonPropertyName("oom_kills")]
    public long? OomKills { get; init; }

    /// <summary>"initial", "child" or "unknown": whose pid namespace this /proc shows.</summary>
    [JsonPropertyName("pid_namespace")]
    public required string PidNamespace { get; init; }

    /// <summary>"approximate" (/proc/PID/stat's rss) or "precise" (status/statm): what oom_badness() reads on this kernel.</summary>
    [JsonPropertyName("rss_counter")]
    public required string RssCounter { get; init; }

    [JsonPropertyName("rss_counter_basis")]
    public string? RssCounterBasis { get; init; }

    /// <summary>Sentences: settings that change the outcome, and what the prediction cannot see.</summary>
    [JsonPropertyName("notes")]
    public required List<string> Notes { get; init; }
}
