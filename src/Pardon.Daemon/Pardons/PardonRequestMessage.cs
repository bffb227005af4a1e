// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Pardons;

/// <summary>A request as a client writes it: one JSON object on one line.</summary>
public sealed class PardonRequestMessage
{
    /// <summary>"request", "release", "list" or "status".</summary>
    [JsonPropertyName("op")]
    public required string Op { get; init; }

    [JsonPropertyName("pid")]
    public int? Pid { get; init; }

    /// <summary>A duration: "30s", "10m", "2h" (a number is taken as seconds).</summary>
    [JsonPropertyName("ttl")]
    public string? Ttl { get; init; }

    /// <summary>release: end the pardon only if it belongs to the process with this start time.</summary>
    [JsonPropertyName("start_time")]
    public ulong? StartTime { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    /// <summary>True when the target is the pidfd sent with this line (SCM_RIGHTS); "pid" is then only the sender's own number for it.</summary>
    [JsonPropertyName("pidfd")]
    public bool? PidFd { get; init; }
}
