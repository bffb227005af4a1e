// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Containers;

namespace Pardon.Core.Tests.Containers;

/// <summary>The QoS step of Pardon's order: class before score, Pardon's ordinary ranking within a class.</summary>
public sealed class QosOrderTests
{
    private const string BestEffortPod = "/kubepods/besteffort/pod0a1b2c3d-4e5f-6789-abcd-ef0123456789/";
    private const string BurstablePod = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a1b2c3d_4e5f_6789_abcd_ef0123456789.slice/";
    private const string GuaranteedPod = "/kubepods.slice/kubepods-pod2a1b2c3d_4e5f_6789_abcd_ef0123456789.slice/";

    private static string Cid(char c) => new(c, 64);

    private static ProcessFacts BestEffort(int pid, long rss) => TestProcess.Make(pid, rssPages: rss, comm: "besteffort", cgroup: BestEffortPod + Cid('a'));

    private static ProcessFacts Burstable(int pid, long rss) => TestProcess.Make(pid, rssPages: rss, comm: "burstable", cgroup: BurstablePod + "cri-containerd-" + Cid('b') + ".scope");

    // The cgroup path alone gives the class here (adj 0 throughout), so the scores are sizes and growth.

    /// <summary>Young, so all of it counts as growth: Pardon's ordinary ranking alone would choose it.</summary>
    private static ProcessFacts GrowingGuaranteed(int pid, long rss) => TestProcess.Make(pid, rssPages: rss, adj: 0, comm: "guaranteed",
        cgroup: GuaranteedPod + "cri-containerd-" + Cid('c') + ".scope", startTicks: (ulong)((TestProcess.NowMs - 5_000) / 10));

    private static ProcessFacts Host(int pid, long rss) => TestProcess.Make(pid, rssPages: rss, comm: "host", cgroup: "/system.slice/host.service");

    private static Ranking Rank(SelectionPolicy policy, params ProcessFacts[] processes)
    {
        var ranking = new Ranking();
        new VictimSelector(policy).Rank(TestProcess.SystemScope(), processes, TestProcess.NowMs, null, ranking);
        return ranking;
    }

    private static string[] Order(Ranking r) => [.. r.CandidatesInOrder().Select(i => r[i].Process.Comm)];

    [Fact]
    public void BestEffortThenBurstableThenNoPodThenGuaranteed_WhateverTheScores()
    {
        Ranking r = Rank(new SelectionPolicy(), GrowingGuaranteed(10, 200_000), Host(11, 100_000), Burstable(12, 40_000), BestEffort(13, 20_000));

        Assert.Equal(["besteffort", "burstable", "host", "guaranteed"], Order(r));
        Assert.Equal("besteffort", r[r.Victim].Process.Comm);

        // The kernel's choice is unchanged: the guaranteed pod is the largest even at adj 0 here.
        Assert.Equal("guaranteed", r[r.KernelVictim].Process.Comm);
        Assert.True(r[r.Victim].Score < r[0].Score, "the QoS class, not the score, chose the victim");
    }

    [Fact]
    public void WithinAClass_TheOrdinaryRanking()
    {
        // Sizes above the negligible size (64 MiB on this 24 GiB scope), which would otherwise order them first.
        ProcessFacts small = BestEffort(10, 20_000);
        ProcessFacts large = BestEffort(11, 60_000);
        large.Cgroup = BestEffortPod + Cid('d');
        Ranking r = Rank(new SelectionPolicy(), small, large, Burstable(12, 500_000));

        Assert.Equal(11, r[r.Victim].Process.Pid);
    }

    [Fact]
    public void QosOrderOff_ScoresAlone()
    {
        Ranking r = Rank(new SelectionPolicy { QosOrder = false }, GrowingGuaranteed(10, 200_000), Burstable(12, 2_000), BestEffort(13, 1_000));

        Assert.Equal("guaranteed", r[r.Victim].Process.Comm);
        Assert.Equal(QosClass.Guaranteed, r[r.Victim].Qos); // still reported
        Assert.Contains("QoS order is off", Explanation.DescribeQos(in r[r.Victim]), StringComparison.Ordinal);
    }

    [Fact]
    public void Tiers_ComeBeforeClasses()
    {
        var policy = new SelectionPolicy
        {
            Prefer = [new ProcessRule { Source = "prefer[0]", Qos = QosClass.Guaranteed }],
            Protect = [new ProcessRule { Source = "protect[0]", Container = "aaaa*" }],
        };
        Ranking r = Rank(policy, GrowingGuaranteed(10, 1_000), Burstable(12, 2_000), BestEffort(13, 90_000));

        Assert.Equal(["guaranteed", "burstable", "besteffort"], Order(r));
        Assert.Equal(Tier.Protected, r[2].Tier);
    }

    [Fact]
    public void ClassFromOomScoreAdj_WhenThePathHidesIt()
    {
        // Seen from a private cgroup namespace: the pod directory's parent is "..".
        ProcessFacts hidden = TestProcess.Make(10, rssPages: 20_000, adj: 1000, comm: "hidden", cgroup: "/../pod3a1b2c3d-4e5f-6789-abcd-ef0123456789/" + Cid('e'));
        Ranking r = Rank(new SelectionPolicy(), Burstable(12, 50_000), hidden);

        Assert.Equal("hidden", r[r.Victim].Process.Comm);
        Assert.True(r[r.Victim].QosFromAdj);
        Assert.StartsWith("Kubernetes QoS BestEffort (from oom_score_adj 1000)", Explanation.DescribeQos(in r[r.Victim]), StringComparison.Ordinal);
        Assert.Contains(Explanation.Reasons(in r[r.Victim], r.Scope, false, true), x => x.StartsWith("Kubernetes QoS BestEffort", StringComparison.Ordinal));
    }

    [Fact]
    public void Breakdown_NamesContainerPodClassAndUnit()
    {
        Ranking r = Rank(new SelectionPolicy(), Burstable(12, 2_000));
        List<string> lines = Explanation.Breakdown(in r[0], r.Scope);

        Assert.Contains("runs in: container bbbbbbbbbbbb (containerd), pod 1a1b2c3d-4e5f-6789-abcd-ef0123456789, QoS Burstable, unit cri-containerd-" + Cid('b') + ".scope; Kubernetes QoS Burstable (from the cgroup path)", lines[^1], StringComparison.Ordinal);
    }
}
