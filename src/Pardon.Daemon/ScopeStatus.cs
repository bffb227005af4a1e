// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon;

/// <summary>One scope in `pardon status`: what it is, its memory and levels, how it is watched, what was done in it.</summary>
public sealed class ScopeStatus
{
    /// <summary>"system", or the memory cgroup's directory (the `scope` of its events).</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>"system" or "cgroup".</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>The `--cgroup` pattern it matched (absent for the system).</summary>
    [JsonPropertyName("pattern")]
    public string? Pattern { get; init; }

    /// <summary>False for a cgroup with no memory limit up its ancestry: its levels are of the machine's memory.</summary>
    [JsonPropertyName("limited")]
    public bool Limited { get; init; }

    [JsonPropertyName("total_kib")]
    public long TotalKiB { get; init; }

    [JsonPropertyName("available_kib")]
    public long AvailableKiB { get; init; }

    [JsonPropertyName("term_below_kib")]
    public long TermBelowKiB { get; init; }

    [JsonPropertyName("kill_below_kib")]
    public long KillBelowKiB { get; init; }

    [JsonPropertyName("poll_interval_ms")]
    public double PollIntervalMs { get; init; }

    [JsonPropertyName("kills")]
    public long Kills { get; init; }

    [JsonPropertyName("last_kill")]
    public string? LastKill { get; init; }

    /// <summary>A level has been crossed and memory has not recovered since.</summary>
    [JsonPropertyName("in_episode")]
    public bool InEpisode { get; init; }

    /// <summary>A victim was signalled and has not exited yet.</summary>
    [JsonPropertyName("victim_pending")]
    public bool VictimPending { get; init; }

    [JsonPropertyName("wakeups")]
    public List<string> Wakeups { get; init; } = [];
}
