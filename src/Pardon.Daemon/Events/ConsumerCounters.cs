// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Events;

/// <summary>What a consumer of events (hooks, notifications) has done, for `pardon status` and the metrics.</summary>
public sealed class ConsumerCounters
{
    /// <summary>Hooks started, notifications delivered.</summary>
    [JsonPropertyName("sent")]
    public long Sent { get; init; }

    [JsonPropertyName("failed")]
    public long Failed { get; init; }

    /// <summary>Dropped because too many were waiting.</summary>
    [JsonPropertyName("dropped")]
    public long Dropped { get; init; }
}
