// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>What dies with a chosen victim.</summary>
public enum KillUnit
{
    /// <summary>The process alone (the default, and what the kernel does).</summary>
    Process,

    /// <summary>Every process of the victim's process group (a shell pipeline, a build's workers).</summary>
    ProcessGroup,

    /// <summary>Every process of the victim's cgroup (a systemd scope or service, a container).</summary>
    Cgroup,
}
