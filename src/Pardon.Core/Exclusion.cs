// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>Why Pardon will not choose a process at all.</summary>
public enum Exclusion
{
    None,

    /// <summary>The kernel would not choose it either (pid 1, kernel thread, no mm, oom_score_adj -1000, vfork child).</summary>
    KernelIneligible,

    /// <summary>It is the Pardon daemon (or the command computing the ranking).</summary>
    Self,

    /// <summary>It holds a pardon.</summary>
    Pardoned,

    /// <summary>
    /// It is outside the scope, listed only because an ancestor's OOM would scan it (a sibling's process): the
    /// kernel may kill it, Pardon watching this scope never does.
    /// </summary>
    OutsideScope,
}
