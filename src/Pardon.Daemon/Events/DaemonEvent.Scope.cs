// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Events;

/// <summary>The fields that say which scope an event is about (the daemon watches many: the system and memory cgroups).</summary>
public sealed partial class DaemonEvent
{
    /// <summary>
    /// The scope an event is about: "system", or the memory cgroup's directory. Every event about one scope
    /// carries it (pressure, kill, victim_exited, scope_added, scope_removed, and a scope's warnings); `start`
    /// carries the first scope's, as it did when a daemon watched only one.
    /// </summary>
    [JsonPropertyName("scope")]
    public string? Scope { get; init; }

    /// <summary>scope_added: the configured `--cgroup` pattern (a directory or a glob) the cgroup matched.</summary>
    [JsonPropertyName("pattern")]
    public string? Pattern { get; init; }

    /// <summary>start: what the daemon watches — "system" and the configured cgroup patterns.</summary>
    [JsonPropertyName("scopes")]
    public List<string>? Scopes { get; init; }
}
