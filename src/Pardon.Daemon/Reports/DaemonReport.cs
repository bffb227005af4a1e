// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Reports;

/// <summary>Whether a ranking took a running daemon's pardons into account.</summary>
public sealed class DaemonReport
{
    /// <summary>The daemon's pid, or null when none answered.</summary>
    [JsonPropertyName("pid")]
    public int? Pid { get; init; }

    /// <summary>True when the daemon's pardons were read and applied to this ranking.</summary>
    [JsonPropertyName("pardons_included")]
    public bool PardonsIncluded { get; init; }

    /// <summary>Why not, when a daemon exists but could not be asked (a timeout, an error).</summary>
    [JsonPropertyName("note")]
    public string? Note { get; init; }
}
