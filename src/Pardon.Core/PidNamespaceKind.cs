// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>Whose processes the /proc being read shows.</summary>
public enum PidNamespaceKind
{
    /// <summary>The initial pid namespace: its pid 1 is is_global_init(), the one init the OOM killer never kills.</summary>
    Initial,

    /// <summary>
    /// A child namespace (a container): its pid 1 is an ordinary candidate, the host's init and the processes
    /// outside are invisible, and pids differ from the kernel log's.
    /// </summary>
    Child,

    /// <summary>Could not be told (namespace links unreadable).</summary>
    Unknown,
}
