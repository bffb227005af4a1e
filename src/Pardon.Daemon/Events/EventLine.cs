// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Events;

/// <summary>One event as the outputs write it: serialised once by the pipeline, shared by every sink.</summary>
public sealed class EventLine
{
    public required string Name { get; init; }

    /// <summary>The JSON object, one line, no line feed.</summary>
    public required string Json { get; init; }

    /// <summary>The readable sentence: "pardon: kill: SIGTERM to 4242 (memhog) …", no line feed.</summary>
    public required string Text { get; init; }

    /// <summary>On the reserved path: a sink keeps it even when its ordinary lines overflow.</summary>
    public bool Critical { get; init; }

    /// <summary>The syslog priority (the journal's PRIORITY field).</summary>
    public int Priority { get; init; } = 6;

    public static EventLine From(DaemonEvent e, string json, bool critical)
    {
        string text = "pardon: " + e.Event + ": " + e.Message;
        if (e.Repeats is long n and > 1)
        {
            text += $" (the same {e.Event}{(e.Code is null ? "" : " " + e.Code)} {n} times)";
        }

        return new EventLine { Name = e.Event, Json = json, Text = text, Critical = critical, Priority = EventClass.Priority(e) };
    }
}
