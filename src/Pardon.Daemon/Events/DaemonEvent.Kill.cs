// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Events;

/// <summary>Kill fields the notifications need.</summary>
public sealed partial class DaemonEvent
{
    /// <summary>
    /// kill: who was left alive on purpose — the pardoned processes of the scope Pardon passed over (the
    /// largest first, at most three), then the members of the kill unit that were not signalled.
    /// </summary>
    [JsonPropertyOrder(1)]
    [JsonPropertyName("spared")]
    public List<SparedReport>? Spared { get; set; }
}
