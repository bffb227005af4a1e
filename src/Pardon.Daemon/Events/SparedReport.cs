// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Events;

/// <summary>A member of a kill unit that was left alive.</summary>
public sealed class SparedReport
{
    [JsonPropertyName("pid")]
    public int Pid { get; init; }

    [JsonPropertyName("comm")]
    public required string Comm { get; init; }

    /// <summary>"pid 1 (init)", "oom_score_adj -1000", "Pardon itself", "pardoned", "protected by protect[0]".</summary>
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }
}
