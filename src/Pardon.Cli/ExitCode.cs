// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Cli;

/// <summary>Exit codes of the `pardon` commands (interface contract in DESIGN.md).</summary>
public enum ExitCode
{
    Ok = 0,

    /// <summary>A runtime failure: the daemon cannot be reached, a file cannot be read.</summary>
    Failure = 1,

    /// <summary>Bad usage: an unknown flag, a bad value, a --cgroup that is not a memory cgroup, a bad configuration.</summary>
    Usage = 2,

    /// <summary>A pardon request the daemon refused.</summary>
    Denied = 3,
}
