// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.RegularExpressions;

namespace Pardon.Core.Tests;

public sealed class RankingTests
{
    private static Ranking Rank(SelectionPolicy policy, IPardonView? pardons, params ProcessFacts[] processes)
    {
        var ranking = new Ranking();
        new VictimSelector(policy).Rank(TestProcess.SystemScope(), processes, TestProcess.NowMs, pardons, ranking);
        return ranking;
    }

    [Fact]
    public void CandidatesInOrder_MixedCast_TiersThenScoresWithoutTheExcluded()
    {
        var policy = new SelectionPolicy
        {
            Prefer = [new ProcessRule { Source = "prefer[0]", Comm = new Regex("^pref") }],
            Protect = [new ProcessRule { Source = "protect[0]", Comm = new Regex("^prot") }],
            SelfPid = 7,
        };
        ProcessFacts[] processes =
        [
            TestProcess.Make(1, rssPages: 900_000, comm: "init"),
            TestProcess.Make(3, rssPages: 10_000, comm: "big"),
            TestProcess.Make(4, rssPages: 50_000, comm: "prot-a"),
            TestProcess.Make(5, rssPages: 100, comm: "pref-small"),
            TestProcess.Make(6, rssPages: 4_000, comm: "grower", startTicks: (ulong)((TestProcess.NowMs - 5_000) / 10)),
            TestProcess.Make(7, rssPages: 800_000, comm: "pardon"),
            TestProcess.Make(8, rssPages: 700_000, comm: "locker"),
            TestProcess.Make(9, rssPages: 300, comm: "pref-big"),
            TestProcess.Make(10, rssPages: 20_000, comm: "prot-b"),
            TestProcess.Make(11, rssPages: 600_000, adj: -1000, comm: "sshd"),
            TestProcess.Make(12, rssPages: 10, comm: "small"),
        ];

        Ranking r = Rank(policy, new FakePardonView().Add(TestProcess.Grant(8)), processes);
        string[] order = r.CandidatesInOrder().Select(i => r.Items[i].Process.Comm).ToArray();

        Assert.Equal(new[] { "pref-big", "pref-small", "grower", "big", "small", "prot-a", "prot-b" }, order);
        Assert.Equal(r.Victim, r.CandidatesInOrder()[0]);
    }

    [Fact]
    public void CandidatesInOrder_Ties_FollowTheTieBreakChain()
    {
        ProcessFacts[] processes =
        [
            TestProcess.Make(20, rssPages: 1_000, startTicks: 1_000),
            TestProcess.Make(21, rssPages: 1_000, startTicks: 3_000),
            TestProcess.Make(22, rssPages: 1_000, startTicks: 1_000),
            TestProcess.Make(23, rssPages: 900, swapPages: 100, startTicks: 2_000),
            TestProcess.Make(24, rssPages: 999, pgTablesBytes: TestProcess.PageSize, startTicks: 9_000),
        ];

        Ranking r = Rank(SelectionPolicy.Default, null, processes);
        int[] pids = r.CandidatesInOrder().Select(i => r.Items[i].Process.Pid).ToArray();

        // All score 1000. Memory: 24 holds 999, the rest 1000. Among those: youngest first, then higher pid.
        Assert.Equal(new[] { 21, 23, 22, 20, 24 }, pids);
        Assert.Equal(1, r.Victim);
        Assert.Equal(4, r.KernelVictim); // the kernel: equal badness, the last one met
    }

    [Fact]
    public void CandidatesInOrder_NobodyEligible_IsEmpty()
    {
        Ranking r = Rank(new SelectionPolicy { SelfPid = 5 }, null,
            TestProcess.Make(1, rssPages: 100),
            TestProcess.Make(5, rssPages: 100),
            TestProcess.Make(6, rssPages: 100, adj: -1000));

        Assert.Empty(r.CandidatesInOrder());
        Assert.Equal(-1, r.Victim);
        Assert.Equal(1, r.KernelVictim);
    }

    [Fact]
    public void Ranking_New_HasNoVictims()
    {
        var r = new Ranking();

        Assert.Equal(0, r.Count);
        Assert.Equal(-1, r.Victim);
        Assert.Equal(-1, r.KernelVictim);
        Assert.Empty(r.CandidatesInOrder());
    }
}
