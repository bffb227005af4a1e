// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>Why the kernel's OOM killer would skip a process (oom_unkillable_task(), oom_badness()).</summary>
public enum KernelIneligibility
{
    None,
    Init,
    KernelThread,
    NoMm,
    OomScoreAdjMin,
    InVfork,
}
