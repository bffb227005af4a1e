// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Core;

/// <summary>The reasons that come from the kernel's hard cases (issue 10).</summary>
public static partial class Explanation
{
    private static void AddPredictionReasons(List<string> reasons, in Evaluation e, OomScope scope)
    {
        ProcessFacts p = e.Process;
        if (!scope.Contains(p))
        {
            reasons.Add($"outside the scope (cgroup {p.Cgroup}), but in {scope.OomingCgroup}, whose OOM strikes first and scans its whole subtree");
        }

        if (p.MmThreadId != 0)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture,
                $"main thread exited; thread {p.MmThreadId} still runs: scored through it, as the kernel does, and killable as a whole"));
        }

        if (p.SigKillPending)
        {
            reasons.Add("being killed (SIGKILL pending)");
        }

        if (p.Pid == 1 && !p.IsGlobalInit && e.KernelEligible)
        {
            reasons.Add("pid 1 of a container's pid namespace: not the host's init, so an ordinary candidate");
        }
    }

    /// <summary>The sentence for a kernel victim that cannot be called: who else it may be, and why.</summary>
    public static string DescribeTie(OomScope scope, IEnumerable<int> otherPids)
    {
        string why = scope.Kind == ScopeKind.Cgroup && scope.CgroupVersion == CgroupVersion.V1
            ? "cgroup v1 does not show the order of a memcg's task list"
            : "they started within the same clock tick";
        return $"tie: equal badness with {string.Join(", ", otherPids)}; the kernel keeps the last it meets, and {why}";
    }
}
