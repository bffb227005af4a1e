// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Pardons;

namespace Pardon.Core.Tests;

/// <summary>
/// Issue 7: the kill path must judge a pardon from its own scan. A pardoned process above its ceiling, or
/// running another executable than the one pardoned, is an ordinary candidate in that ranking — whatever the
/// pardon worker has (or, because a flood keeps it busy, has not yet) revoked.
/// </summary>
public sealed class PardonStandingTests
{
    private const long CeilingKiB = 48 * 1024;
    private static readonly FileIdentity s_allowed = new(0x800000001, 1234);
    private static readonly FileIdentity s_other = new(0x800000001, 99871);

    private static PardonGrant Grant(int pid, long maxRssKiB = CeilingKiB, long outsideRssKiB = 0, FileIdentity? exe = null, bool kernelProtected = false, short? previousAdj = null)
        => TestProcess.Grant(pid, maxRssKiB: maxRssKiB) with
        {
            ExeIdentity = exe ?? s_allowed,
            OutsideRssKiB = outsideRssKiB,
            KernelProtected = kernelProtected,
            PreviousOomScoreAdj = previousAdj,
        };

    private static ProcessFacts Process(int pid, long rssMiB, FileIdentity? exe = null, short adj = 0)
    {
        ProcessFacts p = TestProcess.Make(pid, rssPages: rssMiB * 256, adj: adj, comm: "p" + pid);
        p.ExeIdentity = exe ?? s_allowed;
        return p;
    }

    private static Ranking Rank(IPardonView pardons, params ProcessFacts[] processes)
    {
        var ranking = new Ranking();
        new VictimSelector(new SelectionPolicy { GrowthWeight = 0 }).Rank(TestProcess.CgroupScope(65536), processes, TestProcess.NowMs, pardons, ranking);
        return ranking;
    }

    [Fact]
    public void Ranking_PardonedProcessAboveItsCeiling_IsTheVictim_NotTheInnocent()
    {
        // The finding: the hog's pardon was still in the ledger (the sweep had been skipped) and an innocent died.
        ProcessFacts hog = Process(20, rssMiB: 190);
        ProcessFacts innocent = Process(21, rssMiB: 40);
        var pardons = new PardonSnapshot([Grant(20)]);

        Ranking r = Rank(pardons, innocent, hog);

        Assert.Equal(20, r[r.Victim].Process.Pid);
        Assert.Equal(PardonLapse.OverCeiling, r[1].PardonLapse);
        Assert.False(r[1].Spared);
        Assert.Contains(Explanation.Reasons(r[1], r.Scope, isKernelVictim: true, isVictim: true),
            s => s.Contains("does not protect it: it holds 190 MiB, above the 48 MiB ceiling", StringComparison.Ordinal));
    }

    [Fact]
    public void Ranking_PardonedProcessUnderItsCeiling_IsSpared()
    {
        ProcessFacts pardoned = Process(20, rssMiB: 47);
        ProcessFacts innocent = Process(21, rssMiB: 40);

        Ranking r = Rank(new PardonSnapshot([Grant(20)]), innocent, pardoned);

        Assert.Equal(21, r[r.Victim].Process.Pid);
        Assert.True(r[1].Spared);
        Assert.Equal(Exclusion.Pardoned, r[1].Exclusion);
    }

    [Fact]
    public void Ranking_MemoryOutsideRss_CountsAgainstTheCeiling()
    {
        // 30 MiB resident, but the worker measured 40 MiB of memfd beyond it: 70 MiB held, over 48 MiB.
        ProcessFacts pardoned = Process(20, rssMiB: 30);
        ProcessFacts innocent = Process(21, rssMiB: 10);

        Ranking r = Rank(new PardonSnapshot([Grant(20, outsideRssKiB: 40 * 1024)]), innocent, pardoned);

        Assert.Equal(PardonLapse.OverCeiling, r[1].PardonLapse);
        Assert.Equal(20, r[r.Victim].Process.Pid);
    }

    [Fact]
    public void Ranking_PardonedProcessThatExecdAnotherExecutable_IsNotSpared()
    {
        ProcessFacts execd = Process(20, rssMiB: 30, exe: s_other);
        ProcessFacts innocent = Process(21, rssMiB: 10);

        Ranking r = Rank(new PardonSnapshot([Grant(20)]), innocent, execd);

        Assert.Equal(PardonLapse.ExeChanged, r[1].PardonLapse);
        Assert.Equal(20, r[r.Victim].Process.Pid);
    }

    [Fact]
    public void Ranking_UnknownExecutable_IsNoChange()
    {
        // `pardon rank` as a user cannot read other users' /proc/PID/exe; the worker, which can, re-verifies.
        ProcessFacts unreadable = Process(20, rssMiB: 30, exe: default(FileIdentity));

        Ranking r = Rank(new PardonSnapshot([Grant(20)]), unreadable);

        Assert.True(r[0].Spared);
    }

    [Fact]
    public void Ranking_NoCeiling_NeverLapsesOnMemory()
    {
        ProcessFacts pardoned = Process(20, rssMiB: 500);

        Ranking r = Rank(new PardonSnapshot([Grant(20, maxRssKiB: 0)]), pardoned);

        Assert.True(r[0].Spared);
        Assert.Equal(-1, r.Victim);
    }

    [Fact]
    public void Ranking_LapsedPardonsOwnMinus1000_DoesNotHideTheProcessFromPardon()
    {
        // The daemon set -1000 for the pardon (kernel protection); over its ceiling, Pardon judges it with the
        // oom_score_adj it had before, while the kernel (really) skips it until the worker restores that value.
        ProcessFacts hog = Process(20, rssMiB: 190, adj: -1000);
        ProcessFacts innocent = Process(21, rssMiB: 40);

        Ranking r = Rank(new PardonSnapshot([Grant(20, kernelProtected: true, previousAdj: 0)]), innocent, hog);

        Assert.Equal(20, r[r.Victim].Process.Pid);
        Assert.Equal(0, r.KernelVictim);
    }

    [Fact]
    public void Ranking_SomeoneElsesMinus1000_StaysIneligible()
    {
        ProcessFacts immune = Process(20, rssMiB: 190, adj: -1000);
        ProcessFacts innocent = Process(21, rssMiB: 40);

        Ranking r = Rank(new PardonSnapshot([Grant(20, kernelProtected: false)]), innocent, immune);

        Assert.Equal(21, r[r.Victim].Process.Pid);
    }

    [Fact]
    public void Judge_IsAllocationFree()
    {
        PardonGrant grant = Grant(20);
        ProcessFacts p = Process(20, rssMiB: 100);
        _ = PardonStanding.Judge(grant, p, TestProcess.PageSize);

        long before = GC.GetAllocatedBytesForCurrentThread();
        PardonLapse lapse = PardonLapse.None;
        for (int i = 0; i < 1000; i++)
        {
            lapse = PardonStanding.Judge(grant, p, TestProcess.PageSize);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(PardonLapse.OverCeiling, lapse);
    }
}
