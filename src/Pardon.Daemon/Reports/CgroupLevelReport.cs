// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Reports;

/// <summary>One of `scope.levels`: the scope or an ancestor, with the counters that decide which OOMs first.</summary>
public sealed class CgroupLevelReport
{
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>Null when unlimited.</summary>
    [JsonPropertyName("limit_bytes")]
    public long? LimitBytes { get; init; }

    [JsonPropertyName("usage_bytes")]
    public long UsageBytes { get; init; }

    /// <summary>limit − usage + inactive file (the smaller of the memory and memory+swap margins); null when unlimited.</summary>
    [JsonPropertyName("headroom_bytes")]
    public long? HeadroomBytes { get; init; }
}
