// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.RegularExpressions;
using Pardon.Core.Stall;

namespace Pardon.Core.Tests.Stall;

public sealed class StallCulpritTests
{
    private const long Window = 10_000;
    private const long Now = TestProcess.NowMs;

    /// <summary>A process read twice, <paramref name="spanMs"/> apart, with these changes in between.</summary>
    private static ProcessFacts Active(int pid, string comm, long rssPages, long majorFaultsPerSecond = 0, long growthPagesPerSecond = 0,
        long swapPages = 0, long spanMs = 8_000)
    {
        ProcessFacts p = TestProcess.Make(pid, rssPages: rssPages, swapPages: swapPages, comm: comm, cmdline: comm);
        long seconds = spanMs / 1000;
        p.Faults.Record(Now - spanMs, 1_000, rssPages - (growthPagesPerSecond * seconds), swapPages, Window);
        p.Faults.Record(Now, 1_000 + (ulong)(majorFaultsPerSecond * seconds), rssPages, swapPages, Window);
        return p;
    }

    private static Ranking Rank(SelectionPolicy policy, IPardonView? pardons, params ProcessFacts[] processes)
    {
        var ranking = new Ranking();
        new VictimSelector(policy).Rank(TestProcess.CgroupScope(131_072), processes, Now, pardons, ranking);
        return ranking;
    }

    [Fact]
    public void The_culprit_is_the_thrasher_not_the_largest_nor_the_grower()
    {
        ProcessFacts db = Active(10, "postgres", rssPages: 200_000);
        ProcessFacts thrasher = Active(11, "thrasher", rssPages: 30_000, majorFaultsPerSecond: 41_000, swapPages: 97_000);
        ProcessFacts grower = Active(12, "cc1plus", rssPages: 20_000, growthPagesPerSecond: 500);
        Ranking ranking = Rank(new SelectionPolicy { GrowthWeight = 0 }, null, db, thrasher, grower);

        Assert.Same(db, ranking[ranking.Victim].Process); // Pardon's usual order: the largest
        int culprit = StallCulprit.Choose(ranking, Window);
        Assert.Same(thrasher, ranking[culprit].Process);
        Assert.Equal([11, 12, 10], StallCulprit.CandidatesInOrder(ranking, Window).Select(i => ranking[i].Process.Pid));
    }

    [Fact]
    public void Pardons_and_tiers_still_rule()
    {
        ProcessFacts db = Active(10, "postgres", rssPages: 60_000);
        ProcessFacts thrasher = Active(11, "thrasher", rssPages: 30_000, majorFaultsPerSecond: 41_000);
        ProcessFacts grower = Active(12, "cc1plus", rssPages: 20_000, growthPagesPerSecond: 500);

        // A pardoned thrasher is never chosen: the next in demand is.
        Ranking pardoned = Rank(SelectionPolicy.Default, new FakePardonView().Add(TestProcess.Grant(11)), db, thrasher, grower);
        Assert.Same(grower, pardoned[StallCulprit.Choose(pardoned, Window)].Process);

        // A protected thrasher comes after every ordinary process, even an idle one.
        var protect = new ProcessRule { Source = "protect[0]", Comm = new Regex("^thrasher$") };
        Ranking protectedRanking = Rank(new SelectionPolicy { Protect = [protect] }, null, db, thrasher);
        Assert.Same(db, protectedRanking[StallCulprit.Choose(protectedRanking, Window)].Process);

        // A preferred process goes first, as it always does.
        var prefer = new ProcessRule { Source = "prefer[0]", Comm = new Regex("^postgres$") };
        Ranking preferred = Rank(new SelectionPolicy { Prefer = [prefer] }, null, db, thrasher);
        Assert.Same(db, preferred[StallCulprit.Choose(preferred, Window)].Process);
    }

    [Fact]
    public void Without_any_demand_the_usual_order_decides()
    {
        ProcessFacts big = Active(10, "big", rssPages: 60_000);
        ProcessFacts small = Active(11, "small", rssPages: 3_000, majorFaultsPerSecond: 2); // below the noise floor
        Ranking ranking = Rank(SelectionPolicy.Default, null, big, small);
        Assert.Equal(ranking.Victim, StallCulprit.Choose(ranking, Window));
        Assert.Equal(0, StallCulprit.Demand(small, Window));
    }

    [Fact]
    public void Nobody_eligible_means_no_culprit()
    {
        ProcessFacts init = Active(1, "init", rssPages: 1_000, majorFaultsPerSecond: 5_000);
        Ranking ranking = Rank(SelectionPolicy.Default, null, init);
        Assert.Equal(-1, StallCulprit.Choose(ranking, Window));
        Assert.Empty(StallCulprit.CandidatesInOrder(ranking, Window));
    }

    [Fact]
    public void Explanations_carry_the_figures()
    {
        ProcessFacts thrasher = Active(4242, "thrasher", rssPages: 30_000, majorFaultsPerSecond: 41_000, swapPages: 97_280);
        thrasher.Faults.Record(Now + 1_000, 1_000 + (41_000UL * 9), 30_000, 97_280 + 2_560, Window);
        string text = StallExplanation.DescribeCulprit(thrasher, thrasher.Faults.Rates(Window), TestProcess.PageSize);
        Assert.Equal("pid 4242 (thrasher): 41k major faults/s, 390 MiB in swap (in 0 KiB/s, out 1.1 MiB/s)", text);

        var reading = new StallReading { Covered = true, SpanMs = 10_000, SharePercent = 62.04, WeakestSlicePercent = 35.5, SustainedMs = 10_000, Met = true };
        Assert.Equal("memory stalled 62 % of the last 10 s (full; at least 35.5 % of every 1 s of it)", StallExplanation.Describe(StallTestSettings.Forty, reading));
        Assert.Equal("stall 62 % of 40% over 10 s (full), sustained 10 s", StallExplanation.Progress(StallTestSettings.Forty, reading));
        Assert.Equal("stall criterion off", StallExplanation.Progress(StallSettings.Off, reading));

        var young = new StallReading { Covered = false, SpanMs = 4_000, SharePercent = 12.5 };
        Assert.Equal("memory stalled 12.5 % of the last 4 s (full)", StallExplanation.Describe(StallTestSettings.Forty, young));
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(850.4, "850")]
    [InlineData(4_150, "4.2k")]
    [InlineData(41_000, "41k")]
    [InlineData(1_240_000, "1.2M")]
    public void Counts_are_short(double value, string expected) => Assert.Equal(expected, StallExplanation.Count(value));

    [Fact]
    public void Scope_faults_say_which_kind_of_thrash()
    {
        var before = new ScopeFaults(0, 1_000, 500, 100);
        var swap = new ScopeFaults(2_000, 25_000, 18_500, 1_100);
        Assert.Equal("12k major faults/s, refaults 9.5k/s (95 % anon: swap)", swap.DescribeSince(before));
        var file = new ScopeFaults(1_000, 3_000, 500, 4_100);
        Assert.Equal("2k major faults/s, refaults 4k/s (100 % file: page cache)", file.DescribeSince(before));
        Assert.Equal("", new ScopeFaults(1_000, -1, -1, -1).DescribeSince(before));
    }
}
