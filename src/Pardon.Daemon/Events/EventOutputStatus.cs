// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Events;

/// <summary>One output of the event log, as `pardon status` shows it.</summary>
public sealed class EventOutputStatus
{
    /// <summary>"file", "stderr" or "journal".</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("ok")]
    public bool Ok { get; init; }

    /// <summary>Why it fails, while it does.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("failing_for_s")]
    public double? FailingForSeconds { get; init; }

    [JsonPropertyName("written")]
    public long Written { get; init; }

    /// <summary>Lines this output dropped (its queue full while it was blocked or failing).</summary>
    [JsonPropertyName("dropped")]
    public long Dropped { get; init; }
}
