// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.RegularExpressions;

namespace Pardon.Core.Tests;

/// <summary>
/// A victim should be able to relieve a shortage: Pardon passes over processes too small to matter while a
/// larger candidate remains. The kernel's prediction is untouched.
/// </summary>
public sealed class NegligibleVictimTests
{
    private const long MiBPages = 256; // 4 KiB pages

    private static Ranking Rank(SelectionPolicy policy, OomScope scope, params ProcessFacts[] processes)
    {
        var ranking = new Ranking();
        new VictimSelector(policy).Rank(scope, processes, TestProcess.NowMs, null, ranking);
        return ranking;
    }

    private static string Victim(Ranking r) => r.Victim < 0 ? "-" : r.Items[r.Victim].Process.Comm;

    private static string KernelVictim(Ranking r) => r.KernelVictim < 0 ? "-" : r.Items[r.KernelVictim].Process.Comm;

    [Fact]
    public void IdleMachine_TinyTmuxWithHighAdj_IsPassedOverForALargerProcess()
    {
        // The finding: a 3.5 MiB tmux (oom_score_adj 200, as systemd user services get) outscores everything.
        ProcessFacts tmux = TestProcess.Make(100, rssPages: 896, adj: 200, comm: "tmux");
        ProcessFacts dotnet = TestProcess.Make(101, rssPages: 300 * MiBPages, comm: "dotnet");

        Ranking r = Rank(new SelectionPolicy(), TestProcess.SystemScope(), tmux, dotnet);

        Assert.Equal("tmux", KernelVictim(r));      // the kernel would, and the prediction says so
        Assert.Equal("dotnet", Victim(r));
        Assert.True(r.Items[0].Negligible);
        Assert.False(r.Items[1].Negligible);
        Assert.Contains(Explanation.Reasons(in r.Items[0], r.Scope, isKernelVictim: true, isVictim: false), x => x.Contains("too small to relieve a shortage", StringComparison.Ordinal));
    }

    [Fact]
    public void OnlySmallProcesses_TheUsualOrderDecides()
    {
        ProcessFacts a = TestProcess.Make(100, rssPages: 896, adj: 200, comm: "tmux");
        ProcessFacts b = TestProcess.Make(101, rssPages: 2 * MiBPages, comm: "bash");

        Ranking r = Rank(new SelectionPolicy(), TestProcess.SystemScope(), a, b);

        Assert.Equal("tmux", Victim(r));
        Assert.False(r.Items[0].Negligible); // nobody larger was preferred: nobody is marked
    }

    [Fact]
    public void PreferredButTiny_GoesAfterALargeOrdinaryProcess_ProtectedStaysLast()
    {
        var policy = new SelectionPolicy
        {
            Prefer = [new ProcessRule { Source = "prefer[0]", Comm = new Regex("^cc1plus$") }],
            Protect = [new ProcessRule { Source = "protect[0]", Comm = new Regex("^postgres$") }],
        };
        ProcessFacts tinyPreferred = TestProcess.Make(100, rssPages: MiBPages, comm: "cc1plus");
        ProcessFacts firefox = TestProcess.Make(101, rssPages: 2000 * MiBPages, comm: "firefox");
        ProcessFacts postgres = TestProcess.Make(102, rssPages: 8000 * MiBPages, comm: "postgres");

        Assert.Equal("firefox", Victim(Rank(policy, TestProcess.SystemScope(), tinyPreferred, firefox, postgres)));
        Assert.Equal("cc1plus", Victim(Rank(policy, TestProcess.SystemScope(), tinyPreferred, postgres)));  // small, but not protected
    }

    [Fact]
    public void GrowingCulprit_OfHundredsOfMiB_StillMattersOnALargeMachine()
    {
        // 1% of a 24 GiB machine is 245 MiB; the absolute floor (64 MiB) keeps a 100 MiB process that is
        // growing now (the likely culprit) in front of a large stable one.
        ProcessFacts stable = TestProcess.Make(100, rssPages: 1000 * MiBPages, comm: "db");
        ProcessFacts grower = TestProcess.Make(101, rssPages: 100 * MiBPages, startTicks: (ulong)((TestProcess.NowMs - 5_000) / 10), comm: "leak");

        Ranking r = Rank(new SelectionPolicy { GrowthWeight = 10 }, TestProcess.SystemScope(), stable, grower);

        Assert.False(r.Items[1].Negligible);
        Assert.Equal("leak", Victim(r));
    }

    [Theory]
    [InlineData(6_171_024L, 64 * MiBPages)]        // 24 GiB machine: the 64 MiB floor
    [InlineData(65_536L, 655L)]                     // a 256 MiB cgroup: 1% of it
    [InlineData(0L, 0L)]
    public void NegligiblePages_IsTheSmallerOfShareAndFloor(long totalPages, long expected)
    {
        var selector = new VictimSelector(new SelectionPolicy());

        Assert.Equal(expected, selector.NegligiblePages(TestProcess.CgroupScope(totalPages)));
    }

    [Fact]
    public void SmallCgroup_AFewMiB_Matter()
    {
        // In a 256 MiB cgroup 3 MiB is above 1% (2.56 MiB): it can relieve that scope.
        ProcessFacts three = TestProcess.Make(100, rssPages: 3 * MiBPages, adj: 500, comm: "three");
        ProcessFacts fifty = TestProcess.Make(101, rssPages: 50 * MiBPages, comm: "fifty");

        Ranking r = Rank(new SelectionPolicy(), TestProcess.CgroupScope(65_536), three, fifty);

        Assert.False(r.Items[0].Negligible);
        Assert.Equal("three", Victim(r));
    }
}
