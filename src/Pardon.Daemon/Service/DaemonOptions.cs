// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;

namespace Pardon.Daemon.Service;

/// <summary>What `pardon daemon` was given on its command line; each non-null value overrides the configuration.</summary>
public sealed partial record DaemonOptions
{
    public string? ConfigPath { get; init; }

    public string? Cgroup { get; init; }

    public bool DryRun { get; init; }

    public string? EventsFile { get; init; }

    public string? Socket { get; init; }

    public MemoryLevel? TermBelow { get; init; }

    public MemoryLevel? KillBelow { get; init; }

    public string? MetricsListen { get; init; }

    public string? MetricsTextfile { get; init; }

    /// <summary>Write the JSON events to the log as well (instead of the readable lines).</summary>
    public bool JsonLog { get; init; }

    /// <summary>Leave the pardon socket off (tests of the monitor alone).</summary>
    public bool NoSocket { get; init; }
}
