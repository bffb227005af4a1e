// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Events;

/// <summary>Kill fields the notifications need.</summary>
public sealed partial class DaemonEvent
{
    /// <summary>kill: the pardoned processes of the scope Pardon passed over (the largest first, at most three).</summary>
    [JsonPropertyName("spared")]
    public List<SparedReport>? Spared { get; init; }
}
