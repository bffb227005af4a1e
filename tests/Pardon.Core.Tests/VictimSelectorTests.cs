// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text.RegularExpressions;

namespace Pardon.Core.Tests;

public sealed class VictimSelectorTests
{
    private const int SelfPid = 13;
    private const int PardonedPid = 14;

    /// <summary>A cast of processes, each standing for one rule of selection. Order in a test is the kernel's iteration order.</summary>
    private static ProcessFacts Named(string name) => name switch
    {
        "big" => TestProcess.Make(10, rssPages: 10_000, comm: "big"),
        "pref" => TestProcess.Make(11, rssPages: 100, comm: "pref"),
        "prot" => TestProcess.Make(12, rssPages: 50_000, comm: "prot"),
        "self" => TestProcess.Make(SelfPid, rssPages: 80_000, comm: "pardon"),
        "pardoned" => TestProcess.Make(PardonedPid, rssPages: 70_000, comm: "i3lock"),
        "oomdisabled" => TestProcess.Make(15, rssPages: 90_000, adj: -1000, comm: "sshd"),
        "zombie" => TestProcess.Make(16, rssPages: 95_000, hasMm: false, comm: "zombie"),
        "vfork" => TestProcess.Make(17, rssPages: 60_000, inVfork: true, comm: "vfork"),
        "grower" => TestProcess.Make(18, rssPages: 4_000, startTicks: YoungStartTicks(5_000), comm: "grower"),
        "negative" => TestProcess.Make(19, rssPages: 1_000, adj: -500, comm: "negative"),
        "init" => TestProcess.Make(1, rssPages: 100_000, comm: "systemd"),
        "kthread" => TestProcess.Make(2, kernelThread: true, hasMm: false, exe: null, comm: "kthreadd"),
        _ => throw new ArgumentException(name),
    };

    private static ulong YoungStartTicks(long ageMs) => (ulong)((TestProcess.NowMs - ageMs) / 10); // 100 ticks per second

    private static SelectionPolicy Policy(double growthWeight = 3.0) => new()
    {
        Prefer = [new ProcessRule { Source = "prefer[0]", Comm = new Regex("^pref$") }],
        Protect = [new ProcessRule { Source = "protect[0]", Comm = new Regex("^prot$") }],
        SelfPid = SelfPid,
        GrowthWeight = growthWeight,
    };

    private static Ranking Rank(SelectionPolicy policy, OomScope scope, IPardonView? pardons, params ProcessFacts[] processes)
    {
        var ranking = new Ranking();
        new VictimSelector(policy).Rank(scope, processes, TestProcess.NowMs, pardons, ranking);
        return ranking;
    }

    private static string NameAt(Ranking r, int index) => index < 0 ? "-" : r.Items[index].Process.Comm;

    [Theory]
    [InlineData("big,pref,prot", "pref", "prot")]                                     // preferred before anything
    [InlineData("big,prot", "big", "prot")]                                           // protected only when nothing else
    [InlineData("prot", "prot", "prot")]                                              // ... and then it is chosen
    [InlineData("prot,self", "prot", "pardon")]                                       // Pardon never picks itself; the kernel would
    [InlineData("prot,pardoned", "prot", "i3lock")]
    [InlineData("big,oomdisabled,init,kthread,zombie,vfork", "big", "big")]           // the kernel's ineligible are nobody's victim
    [InlineData("init,kthread,zombie,oomdisabled", "-", "-")]
    [InlineData("self,pardoned", "-", "pardon")]
    [InlineData("big,grower", "grower", "big")]                                       // 4000 + 3 × 4000 growth beats a stable 10000
    [InlineData("pref,grower", "pref", "grower")]                                     // tier before score
    [InlineData("big,self,pardoned,prot,pref,grower", "pref", "pardon")]
    [InlineData("negative", "negative", "negative")]                                  // a negative score is still eligible
    [InlineData("", "-", "-")]
    public void Rank_Cast_PicksPardonAndKernelVictims(string present, string expectedVictim, string expectedKernelVictim)
    {
        ProcessFacts[] processes = present.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Named).ToArray();
        var pardons = new FakePardonView().Add(TestProcess.Grant(PardonedPid));

        Ranking r = Rank(Policy(), TestProcess.SystemScope(), pardons, processes);

        Assert.Equal(processes.Length, r.Count);
        Assert.Equal(expectedVictim, NameAt(r, r.Victim));
        Assert.Equal(expectedKernelVictim, NameAt(r, r.KernelVictim));
    }

    [Fact]
    public void Rank_PardonTheKernelHonours_IsStillShownAsPardoned()
    {
        // Where the daemon may set oom_score_adj -1000, a pardoned process becomes kernel-ineligible;
        // rank must still say it is pardoned, and why.
        ProcessFacts locker = TestProcess.Make(PardonedPid, rssPages: 5_000, adj: -1000, comm: "i3lock");
        var pardons = new FakePardonView().Add(TestProcess.Grant(PardonedPid));

        Ranking r = Rank(Policy(), TestProcess.SystemScope(), pardons, locker);

        Evaluation e = r.Items[0];
        Assert.Equal(Exclusion.KernelIneligible, e.Exclusion);
        Assert.NotNull(e.Pardon);
        List<string> reasons = Explanation.Reasons(in e, r.Scope, isKernelVictim: false, isVictim: false);
        Assert.StartsWith("pardoned", reasons[0], StringComparison.Ordinal);
        Assert.Contains(reasons, x => x.Contains("-1000", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("big", Exclusion.None, KernelIneligibility.None, Tier.Normal)]
    [InlineData("pref", Exclusion.None, KernelIneligibility.None, Tier.Preferred)]
    [InlineData("prot", Exclusion.None, KernelIneligibility.None, Tier.Protected)]
    [InlineData("self", Exclusion.Self, KernelIneligibility.None, Tier.Normal)]
    [InlineData("pardoned", Exclusion.Pardoned, KernelIneligibility.None, Tier.Normal)]
    [InlineData("oomdisabled", Exclusion.KernelIneligible, KernelIneligibility.OomScoreAdjMin, Tier.Normal)]
    [InlineData("zombie", Exclusion.KernelIneligible, KernelIneligibility.NoMm, Tier.Normal)]
    [InlineData("vfork", Exclusion.KernelIneligible, KernelIneligibility.InVfork, Tier.Normal)]
    [InlineData("init", Exclusion.KernelIneligible, KernelIneligibility.Init, Tier.Normal)]
    [InlineData("kthread", Exclusion.KernelIneligible, KernelIneligibility.KernelThread, Tier.Normal)]
    public void Rank_EachKind_IsClassified(string name, Exclusion exclusion, KernelIneligibility ineligibility, Tier tier)
    {
        var pardons = new FakePardonView().Add(TestProcess.Grant(PardonedPid));

        Ranking r = Rank(Policy(), TestProcess.SystemScope(), pardons, Named(name));

        Evaluation e = r.Items[0];
        Assert.Equal(exclusion, e.Exclusion);
        Assert.Equal(ineligibility, e.KernelIneligibility);
        Assert.Equal(tier, e.Tier);
        Assert.Equal(exclusion == Exclusion.None, e.Eligible);
        Assert.Equal(ineligibility == KernelIneligibility.None, e.KernelEligible);
        if (!e.KernelEligible)
        {
            Assert.Equal(KernelOom.Ineligible, e.KernelBadness);
            Assert.Equal(KernelOom.Ineligible, e.Score);
            Assert.Equal(0, e.OomScore);
            Assert.Null(e.Pardon); // none of these holds a pardon
        }
        else
        {
            Assert.Equal(e.Process.RssPages + (e.Process.OomScoreAdj * (TestProcess.MachineTotalPages / 1000)), e.KernelBadness);
        }

        Assert.Equal(exclusion == Exclusion.Pardoned, e.Pardon is not null);
        Assert.Equal(exclusion == Exclusion.None ? 0 : -1, r.Victim);
    }

    [Theory]
    [InlineData(3.0, 4000, 12_000)]
    [InlineData(2.5, 4000, 10_000)]
    [InlineData(0.0, 0, 0)]                  // weight 0 turns growth off entirely
    public void Rank_YoungProcess_GrowthBonusIsGrowthTimesWeight(double weight, long expectedGrowth, long expectedBonus)
    {
        Ranking r = Rank(Policy(weight), TestProcess.SystemScope(), null, Named("big"), Named("grower"));

        Evaluation grower = r.Items[1];
        Assert.Equal(expectedGrowth, grower.GrowthPages);
        Assert.Equal(expectedBonus, grower.GrowthBonus);
        Assert.Equal(5_000, grower.GrowthAgeMs);
        Assert.Equal(4_000 + expectedBonus, grower.Score);
        Assert.Equal(grower.KernelBadness + grower.GrowthBonus, grower.Score);
        Assert.Equal(0, r.Items[0].GrowthPages); // the old, unsampled process has no growth
        Assert.Equal(expectedBonus + 4000 > 10_000 ? 1 : 0, r.Victim);
        Assert.Equal(0, r.KernelVictim); // the kernel knows nothing of growth
    }

    [Fact]
    public void Rank_OldProcessWithHistory_GrowthIsSinceBaseline()
    {
        SelectionPolicy policy = Policy();
        ProcessFacts big = Named("big");
        ProcessFacts leaker = TestProcess.Make(20, rssPages: 1_000, comm: "leaker");
        leaker.Growth.Record(TestProcess.NowMs - 20_000, 1_000, policy.GrowthWindowMs);
        leaker.RssAnonPages = 4_000;

        Ranking r = Rank(policy, TestProcess.SystemScope(), null, big, leaker);

        Evaluation e = r.Items[1];
        Assert.Equal(3_000, e.GrowthPages);
        Assert.Equal(20_000, e.GrowthAgeMs);
        Assert.Equal(4_000 + (3 * 3_000), e.Score);
        Assert.Equal(1, r.Victim);       // 13000 beats the stable 10000
        Assert.Equal(0, r.KernelVictim);
    }

    /// <summary>Specs are "pid:rss:swap:ptPages:adj:startTicks"; totalpages 1 000 000, so one adj point is 1000 pages.</summary>
    [Theory]
    [InlineData("10:2000:0:0:0:1000", "11:1000:0:0:0:1000", 10)]       // 1. higher score
    [InlineData("10:2000:0:0:0:1000", "11:1000:0:0:1:1000", 10)]       // 2. equal score 2000: more RSS + swap
    [InlineData("10:1000:0:0:0:1000", "11:999:0:1:0:1000", 10)]        // 2. equal score 1000 (page tables): more RSS + swap
    [InlineData("10:600:400:0:0:1000", "11:1000:0:0:0:2000", 11)]      // 3. equal score and memory: the younger
    [InlineData("10:1000:0:0:0:5000", "11:1000:0:0:0:1000", 10)]       // 3. the younger, whatever the pids
    [InlineData("10:1000:0:0:0:1000", "11:1000:0:0:0:1000", 11)]       // 4. all equal: the higher pid
    [InlineData("11:1000:0:0:0:1000", "10:1000:0:0:0:1000", 11)]
    public void Rank_Ties_FollowTheDocumentedChain(string a, string b, int expectedPid)
    {
        var scope = TestProcess.SystemScope(1_000_000);
        foreach ((ProcessFacts first, ProcessFacts second) in new[] { (Parse(a), Parse(b)), (Parse(b), Parse(a)) })
        {
            Ranking r = Rank(SelectionPolicy.Default, scope, null, first, second);

            Assert.Equal(expectedPid, r.Items[r.Victim].Process.Pid); // independent of the iteration order
            int expectedKernel = r.Items[0].KernelBadness > r.Items[1].KernelBadness ? 0 : 1;
            Assert.Equal(expectedKernel, r.KernelVictim); // the kernel: higher badness, else the later one
            Assert.True(VictimSelector.Compare(in r.Items[r.Victim], in r.Items[1 - r.Victim]) > 0);
            Assert.True(VictimSelector.Compare(in r.Items[1 - r.Victim], in r.Items[r.Victim]) < 0);
        }

        static ProcessFacts Parse(string spec)
        {
            long[] f = spec.Split(':').Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            return TestProcess.Make((int)f[0], rssPages: f[1], swapPages: f[2], pgTablesBytes: f[3] * TestProcess.PageSize, adj: (short)f[4], startTicks: (ulong)f[5]);
        }
    }

    [Fact]
    public void Rank_EqualBadness_KernelTakesTheLastButPardonTheHigherPid()
    {
        ProcessFacts high = TestProcess.Make(500, rssPages: 7_000);
        ProcessFacts low = TestProcess.Make(400, rssPages: 7_000);

        Ranking r = Rank(SelectionPolicy.Default, TestProcess.SystemScope(), null, high, low);

        Assert.Equal(1, r.KernelVictim);  // pid 400, met last
        Assert.Equal(0, r.Victim);        // pid 500
    }

    [Fact]
    public void Rank_AllNegative_LeastNegativeForBoth()
    {
        ProcessFacts a = TestProcess.Make(30, rssPages: 1_000, adj: -900);
        ProcessFacts b = TestProcess.Make(31, rssPages: 1_000, adj: -100);
        ProcessFacts c = TestProcess.Make(32, rssPages: 1_000, adj: -500);

        Ranking r = Rank(SelectionPolicy.Default, TestProcess.SystemScope(), null, a, b, c);

        Assert.Equal(1, r.Victim);
        Assert.Equal(1, r.KernelVictim);
        Assert.True(r.Items[1].KernelBadness < 0);
    }

    [Fact]
    public void Rank_CgroupScope_BadnessUsesScopePagesAndOomScoreUsesSystemPages()
    {
        // memcg of 10000 pages: one adj point is 10 pages there, but 6171 pages for /proc/PID/oom_score.
        ProcessFacts a = TestProcess.Make(40, rssPages: 5_000);
        ProcessFacts b = TestProcess.Make(41, rssPages: 500, adj: 100);

        Ranking r = Rank(SelectionPolicy.Default, TestProcess.CgroupScope(10_000), null, a, b);

        Assert.Equal(5_000, r.Items[0].KernelBadness);
        Assert.Equal(1_500, r.Items[1].KernelBadness);          // 500 + 100 × 10
        Assert.Equal(666, r.Items[0].OomScore);                  // (1000 + 5000000/6171024 = 0) × 2 / 3
        Assert.Equal(733, r.Items[1].OomScore);                  // 500 + 100 × 6171 = 617600 → (1000 + 100) × 2 / 3
        Assert.Equal(0, r.KernelVictim);                         // in the memcg, a is worse, although its oom_score is lower
        Assert.Equal(0, r.Victim);
    }

    public static TheoryData<string, KillUnit, string?, Tier> UnitCases => new()
    {
        { "svc-u", KillUnit.Cgroup, "protect[1]", Tier.Protected },          // the tier rule's unit beats the units list
        { "db-u", KillUnit.ProcessGroup, "units[0]", Tier.Protected },       // tier rule without a unit: the units list
        { "plain-u", KillUnit.ProcessGroup, "units[0]", Tier.Normal },       // first matching units rule
        { "plainu", KillUnit.Cgroup, "units[1]", Tier.Normal },
        { "plain", KillUnit.Process, null, Tier.Normal },
        { "build", KillUnit.Cgroup, "prefer[0]", Tier.Preferred },
        { "db-build-u", KillUnit.ProcessGroup, "units[0]", Tier.Protected }, // a prefer rule that did not set the tier has no say
        { "db-build", KillUnit.Process, null, Tier.Protected },
    };

    [Theory]
    [MemberData(nameof(UnitCases))]
    public void Rank_UnitRules_TierRuleThenUnitsList(string comm, KillUnit expectedUnit, string? expectedSource, Tier expectedTier)
    {
        var policy = new SelectionPolicy
        {
            Protect =
            [
                new ProcessRule { Source = "protect[0]", Comm = new Regex("^db") },
                new ProcessRule { Source = "protect[1]", Comm = new Regex("^svc"), Unit = KillUnit.Cgroup },
            ],
            Prefer = [new ProcessRule { Source = "prefer[0]", Comm = new Regex("build"), Unit = KillUnit.Cgroup }],
            Units =
            [
                new ProcessRule { Source = "units[0]", Comm = new Regex("-u$"), Unit = KillUnit.ProcessGroup },
                new ProcessRule { Source = "units[1]", Comm = new Regex("u$"), Unit = KillUnit.Cgroup },
            ],
        };

        Ranking r = Rank(policy, TestProcess.SystemScope(), null, TestProcess.Make(50, rssPages: 100, comm: comm));

        Evaluation e = r.Items[0];
        Assert.Equal(expectedTier, e.Tier);
        Assert.Equal(expectedUnit, e.Unit);
        Assert.Equal(expectedSource, e.UnitRule?.Source);
    }

    [Fact]
    public void Rank_ProtectAndPreferBothMatch_ProtectWins()
    {
        var policy = new SelectionPolicy
        {
            Protect = [new ProcessRule { Source = "protect[0]", Uid = 1000 }],
            Prefer = [new ProcessRule { Source = "prefer[0]", Uid = 1000 }],
        };

        Ranking r = Rank(policy, TestProcess.SystemScope(), null, TestProcess.Make(60, rssPages: 100), TestProcess.Make(61, rssPages: 10, uid: 0));

        Assert.Equal(Tier.Protected, r.Items[0].Tier);
        Assert.Equal("protect[0]", r.Items[0].TierRule?.Source);
        Assert.Equal(1, r.Victim);
    }

    [Fact]
    public void Rank_ReusedRanking_ForgetsTheLongerPreviousScan()
    {
        var ranking = new Ranking();
        var selector = new VictimSelector(SelectionPolicy.Default);
        selector.Rank(TestProcess.SystemScope(), [Named("big"), Named("prot"), Named("pardoned")], TestProcess.NowMs, new FakePardonView().Add(TestProcess.Grant(PardonedPid)), ranking);

        selector.Rank(TestProcess.SystemScope(), [Named("pref")], TestProcess.NowMs + 1000, null, ranking);

        Assert.Equal(1, ranking.Count);
        Assert.Equal("pref", ranking.Items[0].Process.Comm);
        Assert.Null(ranking[0].Pardon);
        Assert.Equal(0, ranking.Victim);
        Assert.Equal(0, ranking.KernelVictim);
        Assert.Equal(TestProcess.NowMs + 1000, ranking.NowMs);
        Assert.Single(ranking.CandidatesInOrder());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(256)]
    [InlineData(3000)]   // beyond the initial buffers
    public void Rank_ManyProcesses_LargestIsChosen(int count)
    {
        ProcessFacts[] processes = Enumerable.Range(0, count).Select(i => TestProcess.Make(1000 + i, rssPages: (i * 7919) % 10_007)).ToArray();
        int largest = Array.FindLastIndex(processes, p => p.RssPages == processes.Max(q => q.RssPages));

        Ranking r = Rank(SelectionPolicy.Default, TestProcess.SystemScope(), null, processes);

        Assert.Equal(count, r.Count);
        Assert.Equal(largest, r.KernelVictim);
        Assert.Equal(largest, r.Victim);
    }
}
