// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Reports;

/// <summary>Whether the scope is short of memory now, so a reader knows whether `victim` is a decision or a forecast.</summary>
public sealed partial class RankReport
{
    /// <summary>
    /// "none" (no shortage: `victim` is whom Pardon would choose if one began now), "terminate" or "kill"
    /// (the level the scope's memory has reached); null when the memory could not be read.
    /// </summary>
    [JsonPropertyName("pressure")]
    public string? Pressure { get; set; }

    /// <summary>The JSON name of a level.</summary>
    public static string Describe(Core.PressureLevel level) => level switch
    {
        Core.PressureLevel.Kill => "kill",
        Core.PressureLevel.Terminate => "terminate",
        _ => "none",
    };
}
