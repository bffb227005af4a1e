// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;
using Pardon.Daemon.Events;

namespace Pardon.Daemon;

/// <summary>The event pipeline and its consumers in `pardon status`.</summary>
public sealed partial class DaemonStatus
{
    /// <summary>Events raised, dropped, coalesced, and each output's state.</summary>
    [JsonPropertyName("events")]
    public EventPipelineStatus? Events { get; init; }

    [JsonPropertyName("hooks")]
    public ConsumerCounters? Hooks { get; init; }

    [JsonPropertyName("notifications")]
    public ConsumerCounters? Notifications { get; init; }
}
