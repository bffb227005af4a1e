// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon;

public sealed partial class DaemonStatus
{
    /// <summary>The (first) scope's memory stall against its criterion; null before the monitor runs.</summary>
    [JsonPropertyName("stall")]
    public StallStatus? Stall { get; init; }
}
