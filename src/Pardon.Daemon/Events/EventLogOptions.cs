// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Daemon.Events;

/// <summary>How an <see cref="EventLog"/> writes; the defaults are the daemon's.</summary>
public sealed record EventLogOptions
{
    /// <summary>The JSON-lines file (--events), or null.</summary>
    public string? File { get; init; }

    /// <summary>Where readable lines go (stderr), or null.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Write the JSON lines to the log instead of the readable form (--json-log).</summary>
    public bool JsonToLog { get; init; }

    /// <summary>
    /// The journal's native socket (/run/systemd/journal/socket) when stderr is the journal: events then go
    /// there as structured entries instead of plain lines on <see cref="Log"/> (which stays the fallback).
    /// </summary>
    public string? JournalSocket { get; init; }

    /// <summary>Ordinary events that may wait for the pipeline's thread; more are dropped (and counted).</summary>
    public int Capacity { get; init; } = 1024;

    /// <summary>Lines that may wait for each output (file, stderr, journal); more ordinary ones are dropped.</summary>
    public int OutputCapacity { get; init; } = 1024;

    /// <summary>Critical lines a failing output keeps for when it recovers.</summary>
    public int OutputCriticalCapacity { get; init; } = 16384;

    /// <summary>Repeats of an event (same name, code, uid, scope) within this window are folded into one line; zero turns it off.</summary>
    public TimeSpan CoalesceWindow { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often dropped events are summed up in an `events_dropped` warning (when there were any).</summary>
    public TimeSpan SummaryInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a failing output waits before it tries again.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);
}
