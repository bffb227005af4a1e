// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Daemon.Stall;
using Pardon.Linux;
using Pardon.Linux.Monitoring;

namespace Pardon.Daemon.Monitor;

/// <summary>
/// Arms the descriptors that wake the monitor for one scope as soon as its memory tightens, whatever the
/// adaptive poll meant to sleep: a PSI trigger for the system (/proc/pressure/memory) and for a cgroup v2
/// (its memory.pressure), a usage-threshold eventfd for a cgroup v1. Each is registered in the monitor's
/// epoll set under the scope's token; a scope without any relies on adaptive polling alone.
/// </summary>
public static class ScopeWakeups
{
    /// <param name="warn">Reports a wake-up that could not be armed (code, message).</param>
    /// <param name="stall">The scope's stall criterion: its PSI trigger, when armed, is the scope's PSI wake-up (v1 twins included).</param>
    public static List<ScopeWakeup> Arm(ResolvedScope scope, MemorySample first, ResolvedThresholds levels, string procRoot, Action<string, string> warn, ScopeStall? stall = null)
    {
        var wakeups = new List<ScopeWakeup>();
        if (stall?.Trigger is { } trigger)
        {
            wakeups.Add(new ScopeWakeup(trigger, trigger.Fd, EpollSet.Pri, static () => { }, trigger.Description));
        }
        else if (scope.Cgroup is not { Version: CgroupVersion.V1 })
        {
            string pressure = scope.Cgroup is { } v2 ? v2.FilePath("memory.pressure") : Path.Combine(procRoot, "pressure/memory");

            // 100 ms of stall within 2 s: the shortest window an unprivileged trigger may use.
            if (PsiTrigger.TryCreate(pressure, 100_000, 2_000_000, out string error) is { } psi)
            {
                wakeups.Add(new ScopeWakeup(psi, psi.Fd, EpollSet.Pri, static () => { }, psi.Description));
            }
            else
            {
                warn("psi", $"no PSI wake-up ({error}); relying on adaptive polling alone");
            }
        }

        if (scope.Cgroup is { Version: CgroupVersion.V1 } v1 && first.TotalKiB > 0)
        {
            // Wake when usage comes within twice the terminate level of the limit: early enough for the
            // adaptive poll to take over at full speed before the level itself is crossed.
            long limitBytes = first.TotalKiB * 1024;
            long threshold = Math.Max(limitBytes - (2 * levels.TermKiB * 1024), limitBytes / 2);
            if (MemcgThresholdEvent.TryCreate(v1.Path, threshold, out string error) is { } ev)
            {
                wakeups.Add(new ScopeWakeup(ev, ev.Fd, EpollSet.In, ev.Drain, ev.Description, ev.IsBelowThreshold));
            }
            else
            {
                warn("memcg_threshold", $"no cgroup threshold wake-up ({error}); relying on adaptive polling alone");
            }
        }

        return wakeups;
    }
}
