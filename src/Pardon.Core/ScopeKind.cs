// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

public enum ScopeKind
{
    /// <summary>The whole machine: the kernel's global OOM killer.</summary>
    System,

    /// <summary>One memory cgroup and its descendants: the kernel's memcg OOM killer.</summary>
    Cgroup,
}
