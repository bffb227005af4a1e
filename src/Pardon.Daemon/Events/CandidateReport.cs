// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Events;

/// <summary>One of the top candidates listed with a kill.</summary>
public sealed partial class CandidateReport
{
    [JsonPropertyName("pid")]
    public int Pid { get; init; }

    [JsonPropertyName("comm")]
    public required string Comm { get; init; }

    [JsonPropertyName("score")]
    public long Score { get; init; }

    [JsonPropertyName("kernel_badness")]
    public long KernelBadness { get; init; }

    [JsonPropertyName("rss_kib")]
    public long RssKiB { get; init; }

    [JsonPropertyName("growth_kib")]
    public long GrowthKiB { get; init; }

    [JsonPropertyName("tier")]
    public required string Tier { get; init; }

    [JsonPropertyName("reasons")]
    public required List<string> Reasons { get; init; }
}
