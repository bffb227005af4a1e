// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core;

/// <summary>What the kernel would do on an OOM in the scope, given its settings (mm/oom_kill.c out_of_memory()).</summary>
public enum KernelOomOutcome
{
    /// <summary>select_bad_process() picks the highest badness and oom_kill_process() kills it.</summary>
    Kill,

    /// <summary>check_panic_on_oom(): vm.panic_on_oom 2, or 1 for an unconstrained (system-wide) OOM.</summary>
    Panic,

    /// <summary>vm.oom_kill_allocating_task on a system-wide OOM: the task whose allocation failed dies, whoever it is.</summary>
    KillAllocatingTask,

    /// <summary>cgroup v1 oom_kill_disable on the OOMing memcg: nobody is killed; tasks that hit the limit sleep (memcg1_oom_prepare()).</summary>
    NoKillDisabled,

    /// <summary>No candidate: a system-wide OOM panics ("System is deadlocked on memory"); a memcg OOM kills nobody and the charge fails.</summary>
    NoCandidate,
}
