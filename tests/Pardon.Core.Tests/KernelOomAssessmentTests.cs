// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests;

/// <summary>
/// What the kernel does on an OOM given its settings, in out_of_memory()'s order: memcg1_oom_prepare()
/// (oom_kill_disable), check_panic_on_oom(), oom_kill_allocating_task, then selection.
/// </summary>
public sealed class KernelOomAssessmentTests
{
    [Theory]
    [InlineData(false, 0, false, false, KernelOomOutcome.Kill)]
    [InlineData(false, 1, false, false, KernelOomOutcome.Panic)]               // unconstrained OOM panics with 1
    [InlineData(true, 1, false, false, KernelOomOutcome.Kill)]                 // a memcg OOM does not (CONSTRAINT_MEMCG)
    [InlineData(true, 2, false, false, KernelOomOutcome.Panic)]                // 2 panics on any OOM
    [InlineData(false, 0, true, false, KernelOomOutcome.KillAllocatingTask)]
    [InlineData(true, 0, true, false, KernelOomOutcome.Kill)]                  // oom_kill_allocating_task is global only
    [InlineData(true, 0, false, true, KernelOomOutcome.NoKillDisabled)]
    [InlineData(true, 2, false, true, KernelOomOutcome.NoKillDisabled)]        // memcg1_oom_prepare() returns before the panic check
    [InlineData(false, 1, true, false, KernelOomOutcome.Panic)]                // the panic check comes before the allocating task
    public void Outcome_FollowsOutOfMemory(bool memcg, int panic, bool allocating, bool disable, KernelOomOutcome expected)
    {
        Ranking ranking = Rank(memcg, TestProcess.Make(pid: 100, rssPages: 1000));
        var settings = new KernelOomSettings { PanicOnOom = panic, OomKillAllocatingTask = allocating, OomKillDisable = memcg ? disable : null };
        KernelOomAssessment a = KernelOomAssessment.Assess(settings, ranking);
        Assert.Equal(expected, a.Outcome);
        Assert.Equal(expected != KernelOomOutcome.Kill || (memcg && panic == 1), a.Notes.Count > 0);
    }

    [Fact]
    public void NoCandidate_SystemPanics_MemcgKillsNobody()
    {
        var settings = new KernelOomSettings { PanicOnOom = 0 };
        KernelOomAssessment system = KernelOomAssessment.Assess(settings, Rank(false, TestProcess.Make(pid: 100, adj: -1000)));
        Assert.Equal(KernelOomOutcome.NoCandidate, system.Outcome);
        Assert.Contains(system.Notes, n => n.Contains("System is deadlocked on memory", StringComparison.Ordinal));
        KernelOomAssessment memcg = KernelOomAssessment.Assess(settings, Rank(true, TestProcess.Make(pid: 100, hasMm: false)));
        Assert.Equal(KernelOomOutcome.NoCandidate, memcg.Outcome);
        Assert.Contains(memcg.Notes, n => n.Contains("kills nobody", StringComparison.Ordinal));
    }

    [Fact]
    public void Notes_NameWhatCannotBeSeen_DyingProcessesSwapoffAndContainers()
    {
        ProcessFacts dying = TestProcess.Make(pid: 100, rssPages: 1000);
        dying.SigKillPending = true;
        ProcessFacts swapoff = TestProcess.Make(pid: 101, rssPages: 10, comm: "swapoff");
        var settings = new KernelOomSettings { PanicOnOom = 0, PidNamespace = PidNamespaceKind.Child };
        KernelOomAssessment a = KernelOomAssessment.Assess(settings, Rank(false, dying, swapoff));
        Assert.Equal(KernelOomOutcome.Kill, a.Outcome);
        Assert.Contains(a.Notes, n => n.StartsWith("100 (proc) is being killed", StringComparison.Ordinal) && n.Contains("cannot be told from userspace", StringComparison.Ordinal));
        Assert.Contains(a.Notes, n => n.StartsWith("101 (swapoff)", StringComparison.Ordinal) && n.Contains("oom_task_origin", StringComparison.Ordinal));
        Assert.Contains(a.Notes, n => n.Contains("container's pid namespace", StringComparison.Ordinal));
    }

    [Fact]
    public void ContainerInit_IsAnOrdinaryCandidate_OnlyTheGlobalInitIsExempt()
    {
        ProcessFacts containerInit = TestProcess.Make(pid: 1, rssPages: 5000);
        containerInit.IsGlobalInit = false;
        Assert.Equal(KernelIneligibility.None, KernelOom.GetIneligibility(containerInit));
        Assert.Equal(KernelIneligibility.Init, KernelOom.GetIneligibility(TestProcess.Make(pid: 1, rssPages: 5000)));
        Ranking ranking = Rank(false, containerInit, TestProcess.Make(pid: 2, rssPages: 10));
        Assert.Equal(1, ranking[ranking.KernelVictim].Process.Pid);
        Assert.Contains(Explanation.Reasons(in ranking[ranking.KernelVictim], ranking.Scope, true, false), r => r.Contains("container's pid namespace", StringComparison.Ordinal));
    }

    private static Ranking Rank(bool memcg, params ProcessFacts[] processes)
    {
        var ranking = new Ranking();
        OomScope scope = memcg ? TestProcess.CgroupScope(65536) with { OomingCgroup = "/sys/fs/cgroup/memory/test" } : TestProcess.SystemScope();
        new VictimSelector(SelectionPolicy.Default).Rank(scope, processes, TestProcess.NowMs, null, ranking);
        return ranking;
    }
}
