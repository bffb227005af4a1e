// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon;

public sealed partial class DaemonStatus
{
    /// <summary>
    /// Every scope watched now, in the order they were added. The top-level memory, levels and poll interval
    /// are the first scope's; `kills` is the total.
    /// </summary>
    [JsonPropertyName("scopes")]
    public List<ScopeStatus>? Scopes { get; init; }

    /// <summary>The configured `--cgroup` patterns (directories and globs), when any.</summary>
    [JsonPropertyName("patterns")]
    public List<string>? Patterns { get; init; }
}
