// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Core;

/// <summary>
/// What the kernel would do on an OOM in a ranking's scope, given its settings, and the caveats that go with
/// the prediction, in words for rank, explain and status.
/// </summary>
public sealed class KernelOomAssessment
{
    private KernelOomAssessment(KernelOomOutcome outcome, List<string> notes)
    {
        Outcome = outcome;
        Notes = notes;
    }

    public KernelOomOutcome Outcome { get; }

    /// <summary>Sentences: the settings that change the outcome, and what the prediction cannot see.</summary>
    public List<string> Notes { get; }

    /// <summary>"kill", "panic", "kill_allocating_task", "no_kill_disabled", "no_candidate".</summary>
    public static string Describe(KernelOomOutcome outcome) => outcome switch
    {
        KernelOomOutcome.Panic => "panic",
        KernelOomOutcome.KillAllocatingTask => "kill_allocating_task",
        KernelOomOutcome.NoKillDisabled => "no_kill_disabled",
        KernelOomOutcome.NoCandidate => "no_candidate",
        _ => "kill",
    };

    /// <summary>Follows out_of_memory()'s order: panic, the allocating task, then selection (memcg1_oom_prepare() before all of it).</summary>
    public static KernelOomAssessment Assess(KernelOomSettings settings, Ranking ranking)
        => Assess(settings, ranking.Scope, ranking.KernelVictim >= 0, ranking.Items);

    /// <summary>The settings alone, without a ranking (for the daemon's status): candidates are assumed to exist.</summary>
    public static KernelOomAssessment Assess(KernelOomSettings settings, OomScope scope)
        => Assess(settings, scope, hasCandidate: true, []);

    private static KernelOomAssessment Assess(KernelOomSettings settings, OomScope scope, bool hasCandidate, ReadOnlySpan<Evaluation> items)
    {
        var notes = new List<string>();
        bool memcg = scope.Kind == ScopeKind.Cgroup && scope.Limited;
        KernelOomOutcome outcome = KernelOomOutcome.Kill;

        if (memcg && settings.OomKillDisable == true)
        {
            // memcg1_oom_prepare() returns false before out_of_memory() is reached.
            outcome = KernelOomOutcome.NoKillDisabled;
            notes.Add($"oom_kill_disable is set on {scope.OomingCgroup}: its OOM killer kills nobody; tasks that hit the limit sleep until memory is freed or the limit raised");
        }
        else if (settings.PanicOnOom is int panic && panic != 0 && (panic == 2 || !memcg))
        {
            // check_panic_on_oom(): 2 always; 1 only for CONSTRAINT_NONE (not a memcg, cpuset or mempolicy OOM).
            outcome = KernelOomOutcome.Panic;
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"vm.panic_on_oom = {panic}: the kernel panics on {(panic == 2 ? "any OOM, memory cgroups included" : "a system-wide OOM")} instead of killing anything"));
        }
        else if (!memcg && settings.OomKillAllocatingTask == true)
        {
            outcome = KernelOomOutcome.KillAllocatingTask;
            notes.Add("vm.oom_kill_allocating_task = 1: a system-wide OOM kills the task whose allocation failed (if it is killable), not the highest badness; which task that is cannot be known in advance");
        }
        else if (settings.PanicOnOom == 1 && memcg)
        {
            notes.Add("vm.panic_on_oom = 1 panics only on a system-wide OOM; this memory cgroup's OOM kills as usual");
        }

        if (outcome == KernelOomOutcome.Kill && !hasCandidate)
        {
            outcome = KernelOomOutcome.NoCandidate;
            notes.Add(memcg
                ? "no process the kernel may kill: an OOM here kills nobody and the allocation fails"
                : "no process the kernel may kill: a system-wide OOM would panic (\"System is deadlocked on memory\")");
        }

        if (settings.UnderOom == true && outcome != KernelOomOutcome.NoKillDisabled)
        {
            notes.Add($"under_oom: {scope.OomingCgroup} is handling an OOM right now");
        }

        for (int i = 0; i < items.Length; i++)
        {
            ProcessFacts p = items[i].Process;
            if (p.SigKillPending && items[i].KernelIneligibility != KernelIneligibility.KernelThread)
            {
                // oom_evaluate_task(): a task with tsk_is_oom_victim() whose mm is not yet MMF_OOM_SKIP aborts the
                // selection. Whether the SIGKILL came from the OOM killer is not visible from userspace.
                notes.Add($"{p.Pid} ({p.Comm}) is being killed (SIGKILL pending): if the kernel's OOM killer sent it, a new OOM here kills nobody until it is gone or reaped (cannot be told from userspace)");
            }

            if (p.Comm == "swapoff" && items[i].KernelEligible)
            {
                // oom_task_origin(): set_current_oom_origin() in swapoff's try_to_unuse() and KSM's unmerge.
                notes.Add($"{p.Pid} (swapoff) may be running swapoff: the kernel then chooses it first whatever its badness (oom_task_origin, invisible from userspace; KSM unmerging does the same)");
            }
        }

        if (settings.PidNamespace == PidNamespaceKind.Child)
        {
            notes.Add("this /proc is a container's pid namespace: its pid 1 is an ordinary candidate, processes outside it are not shown, and pids differ from the kernel log's");
        }
        else if (settings.PidNamespace == PidNamespaceKind.Unknown)
        {
            notes.Add("whether this /proc is the initial pid namespace's could not be told: pid 1 is assumed to be the host's init");
        }

        return new KernelOomAssessment(outcome, notes);
    }
}
