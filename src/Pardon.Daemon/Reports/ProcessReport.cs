// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Reports;

public sealed partial class ProcessReport
{
    [JsonPropertyName("pid")]
    public int Pid { get; init; }

    [JsonPropertyName("ppid")]
    public int Ppid { get; init; }

    [JsonPropertyName("comm")]
    public required string Comm { get; init; }

    [JsonPropertyName("exe")]
    public string? Exe { get; init; }

    [JsonPropertyName("cmdline")]
    public string? Cmdline { get; init; }

    [JsonPropertyName("uid")]
    public uint Uid { get; init; }

    [JsonPropertyName("user")]
    public string? User { get; init; }

    [JsonPropertyName("cgroup")]
    public string? Cgroup { get; init; }

    [JsonPropertyName("start_time")]
    public ulong StartTime { get; init; }

    [JsonPropertyName("rss_kib")]
    public long RssKiB { get; init; }

    [JsonPropertyName("swap_kib")]
    public long SwapKiB { get; init; }

    [JsonPropertyName("pgtables_kib")]
    public long PgTablesKiB { get; init; }

    [JsonPropertyName("oom_score_adj")]
    public int OomScoreAdj { get; init; }

    /// <summary>oom_badness() in pages against the scope's totalpages; null when the kernel skips the process.</summary>
    [JsonPropertyName("kernel_badness")]
    public long? KernelBadness { get; init; }

    /// <summary>Pardon's prediction of /proc/PID/oom_score.</summary>
    [JsonPropertyName("oom_score")]
    public long OomScore { get; init; }

    /// <summary>Whether Pardon may choose it (the kernel may, and it is neither Pardon nor pardoned).</summary>
    [JsonPropertyName("eligible")]
    public bool Eligible { get; init; }

    [JsonPropertyName("kernel_eligible")]
    public bool KernelEligible { get; init; }

    [JsonPropertyName("pardoned")]
    public bool Pardoned { get; init; }

    /// <summary>Pardon's own score (pages); null when the kernel skips the process.</summary>
    [JsonPropertyName("score")]
    public long? Score { get; init; }

    [JsonPropertyName("growth_kib")]
    public long GrowthKiB { get; init; }

    /// <summary>"preferred", "normal" or "protected".</summary>
    [JsonPropertyName("tier")]
    public required string Tier { get; init; }

    /// <summary>"process", "process_group" or "cgroup".</summary>
    [JsonPropertyName("unit")]
    public required string Unit { get; init; }

    /// <summary>
    /// True when the process is not in the scope asked for but in the subtree of the ancestor whose OOM strikes
    /// first (a sibling's process): the kernel's OOM there scans it too.
    /// </summary>
    [JsonPropertyName("outside_scope")]
    public bool OutsideScope { get; init; }

    /// <summary>When the main thread has exited: the live thread whose memory was read (the kernel scores it the same way).</summary>
    [JsonPropertyName("mm_thread")]
    public int? MmThread { get; init; }

    /// <summary>True for the kernel's victim and those tied with it in an order that cannot be known.</summary>
    [JsonPropertyName("tie")]
    public bool Tie { get; init; }

    /// <summary>SIGKILL is pending: the process is being killed.</summary>
    [JsonPropertyName("sigkill_pending")]
    public bool SigKillPending { get; init; }

    [JsonPropertyName("reasons")]
    public required List<string> Reasons { get; init; }
}
