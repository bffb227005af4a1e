// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Events;

/// <summary>The event pipeline's counters, as `pardon status` and the metrics show them.</summary>
public sealed class EventPipelineStatus
{
    /// <summary>Events raised (coalesced repeats included), since the daemon started.</summary>
    [JsonPropertyName("emitted")]
    public long Emitted { get; init; }

    /// <summary>Events dropped because the pipeline fell behind, by event name (only names with drops).</summary>
    [JsonPropertyName("dropped")]
    public required Dictionary<string, long> Dropped { get; init; }

    /// <summary>Repeats folded into a later line's `repeats` rather than written one by one.</summary>
    [JsonPropertyName("coalesced")]
    public long Coalesced { get; init; }

    [JsonPropertyName("outputs")]
    public required List<EventOutputStatus> Outputs { get; init; }
}
