// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Daemon.Service;

/// <summary>What `pardon daemon` was given on its command line; each non-null value overrides the configuration.</summary>
public sealed partial record DaemonOptions
{
    public string? ConfigPath { get; init; }

    /// <summary>`--cgroup PATTERN`, repeatable: memory cgroup directories or globs. Replaces the configuration's `scopes`.</summary>
    public IReadOnlyList<string> Cgroups { get; init; } = [];

    /// <summary>One `--cgroup` (shorthand for a single pattern).</summary>
    public string? Cgroup
    {
        get => Cgroups.Count > 0 ? Cgroups[0] : null;
        init => Cgroups = value is null ? [] : [value];
    }

    /// <summary>`--system`: watch the whole machine too (with --cgroup), or alone (replacing the configuration's `scopes`).</summary>
    public bool System { get; init; }

    public bool DryRun { get; init; }

    public string? EventsFile { get; init; }

    public string? Socket { get; init; }

    /// <summary>--state: the pardon state file (default: pardon.state, or beside a --socket given elsewhere).</summary>
    public string? State { get; init; }

    public MemoryLevel? TermBelow { get; init; }

    public MemoryLevel? KillBelow { get; init; }

    public string? MetricsListen { get; init; }

    public string? MetricsTextfile { get; init; }

    /// <summary>Write the JSON events to the log as well (instead of the readable lines).</summary>
    public bool JsonLog { get; init; }

    /// <summary>The journal's native socket, used when stderr is the journal (JOURNAL_STREAM); tests bind their own.</summary>
    public string JournalSocket { get; init; } = Pardon.Linux.Logging.JournalStream.DefaultSocket;

    /// <summary>Leave the pardon socket off (tests of the monitor alone).</summary>
    public bool NoSocket { get; init; }
}
