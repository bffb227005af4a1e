// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.Json.Serialization;

namespace Pardon.Daemon.Events;

/// <summary>The fields the event pipeline itself adds (coalesced repeats, drop summaries, hook results).</summary>
public sealed partial class DaemonEvent
{
    /// <summary>
    /// Forces the event onto the reserved path (never dropped, never coalesced) or off it; null lets
    /// <see cref="EventClass.IsCritical"/> decide from the event's name and code. Not written.
    /// </summary>
    [JsonIgnore]
    public bool? Critical { get; init; }

    /// <summary>
    /// Coalesced repeats: this line stands for this many events of the same name, code, uid and scope raised
    /// since the first of them was written (itself included). Absent on an event written as it was raised.
    /// </summary>
    [JsonPropertyName("repeats")]
    public long? Repeats { get; set; }

    /// <summary>warning `events_dropped`: events lost because the writer fell behind, by event name, since the last such warning.</summary>
    [JsonPropertyName("dropped")]
    public Dictionary<string, long>? Dropped { get; init; }

    /// <summary>warning `event_sink`/`event_sink_recovered`: which output ("file", "stderr", "journal").</summary>
    [JsonPropertyName("sink")]
    public string? Sink { get; init; }

    /// <summary>warning `hook_failed`: the hook's command (its first word) and exit status.</summary>
    [JsonPropertyName("command")]
    public string? Command { get; init; }

    [JsonPropertyName("exit_code")]
    public int? ExitCode { get; init; }

    /// <summary>reload: the configuration sections applied by SIGHUP.</summary>
    [JsonPropertyName("applied")]
    public List<string>? Applied { get; init; }

    /// <summary>reload: sections that changed in the file but take effect only after a restart.</summary>
    [JsonPropertyName("restart_needed")]
    public List<string>? RestartNeeded { get; init; }
}
