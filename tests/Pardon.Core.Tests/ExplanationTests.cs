// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text.RegularExpressions;

namespace Pardon.Core.Tests;

public sealed class ExplanationTests
{
    private static readonly SelectionPolicy s_policy = new()
    {
        Protect = [new ProcessRule { Source = "protect[0]", Comm = new Regex("^prot$") }],
        Prefer = [new ProcessRule { Source = "prefer[0]", Comm = new Regex("^pref$") }],
        Units = [new ProcessRule { Source = "units[0]", Comm = new Regex("^pref$"), Unit = KillUnit.Cgroup }],
        SelfPid = 13,
    };

    private static Evaluation Evaluate(OomScope scope, ProcessFacts p, IPardonView? pardons = null)
    {
        var ranking = new Ranking();
        new VictimSelector(s_policy).Rank(scope, [p], TestProcess.NowMs, pardons, ranking);
        return ranking.Items[0];
    }

    [Theory]
    [InlineData(500, "oom_score_adj +500 moves the score by 127 MiB")]     // 500 × (65535/1000 = 65) = 32500 pages = 130000 KiB
    [InlineData(-500, "oom_score_adj -500 moves the score by -127 MiB")]
    [InlineData(1, "oom_score_adj +1 moves the score by 260 KiB")]          // 65 pages
    public void Reasons_Adj_StatesItsContributionInMemory(short adj, string expected)
    {
        Evaluation e = Evaluate(TestProcess.SystemScope(65535), TestProcess.Make(100, rssPages: 1000, adj: adj));

        Assert.Equal([expected], Explanation.Reasons(e, TestProcess.SystemScope(65535), false, false));
    }

    [Fact]
    public void Reasons_OrdinaryProcess_HasNone()
    {
        Evaluation e = Evaluate(TestProcess.SystemScope(), TestProcess.Make(100, rssPages: 1000));

        Assert.Empty(Explanation.Reasons(e, TestProcess.SystemScope(), false, false));
    }

    [Fact]
    public void Reasons_YoungGrower_StatesGrowthAndBonus()
    {
        ProcessFacts p = TestProcess.Make(100, rssPages: 4000, startTicks: (ulong)((TestProcess.NowMs - 5_000) / 10));
        Evaluation e = Evaluate(TestProcess.SystemScope(), p);

        // 4000 pages = 16000 KiB = 15.6 MiB; weight 3 → +12000
        Assert.Equal(["grew 15.6 MiB in the last 5 s (+12000 to the score)"], Explanation.Reasons(e, TestProcess.SystemScope(), false, false));
    }

    [Theory]
    [InlineData("prot", "protected by protect[0] (comm ~ /^prot$/): chosen only when nothing else is left")]
    [InlineData("pref", "preferred by prefer[0] (comm ~ /^pref$/): chosen before ordinary processes")]
    public void Reasons_TierRule_NamesTheRuleAndItsSource(string comm, string expected)
    {
        Evaluation e = Evaluate(TestProcess.SystemScope(), TestProcess.Make(100, rssPages: 1000, comm: comm));

        List<string> reasons = Explanation.Reasons(e, TestProcess.SystemScope(), false, false);

        Assert.Contains(expected, reasons);
        Assert.Equal(comm == "pref", reasons.Contains("kill unit cgroup (from units[0])"));
    }

    [Theory]
    [InlineData(2, 0, "not eligible: kernel thread")]
    [InlineData(1, 0, "not eligible: pid 1 (init) is never killed")]
    [InlineData(100, -1000, "not eligible: oom_score_adj -1000 (OOM-disabled)")]
    public void Reasons_KernelIneligible_StopsAtTheReason(int pid, short adj, string expected)
    {
        ProcessFacts p = TestProcess.Make(pid, rssPages: 1000, adj: adj, kernelThread: pid == 2, comm: "prot");
        Evaluation e = Evaluate(TestProcess.SystemScope(), p);

        // Nothing about the adj or the protect rule: the kernel's verdict is the whole story.
        Assert.Equal([expected], Explanation.Reasons(e, TestProcess.SystemScope(), false, false));
    }

    [Fact]
    public void Reasons_Self_SaysItIsPardon()
    {
        Evaluation e = Evaluate(TestProcess.SystemScope(), TestProcess.Make(13, rssPages: 1000));

        Assert.Equal(["never chosen: this is Pardon itself"], Explanation.Reasons(e, TestProcess.SystemScope(), false, false));
    }

    [Fact]
    public void Reasons_Pardoned_StatesRuleAskerCeilingExpiryAndReason()
    {
        var pardons = new FakePardonView().Add(TestProcess.Grant(100, reason: "screen locker", maxRssKiB: 262_144, expiresAtUnixMs: 1_700_000_000_000));
        Evaluation e = Evaluate(TestProcess.SystemScope(), TestProcess.Make(100, rssPages: 1000), pardons);

        Assert.Equal(
            ["pardoned (pardon.allow[0], asked by uid 1000, ceiling 256 MiB, until 2023-11-14T22:13:20Z: screen locker)"],
            Explanation.Reasons(e, TestProcess.SystemScope(), false, false));
    }

    [Fact]
    public void DescribePardon_NoCeilingExpiryOrReason_IsShort()
    {
        PardonGrant g = TestProcess.Grant(100, reason: "") with { Rule = "root" };

        Assert.Equal("pardoned (root, asked by uid 1000)", Explanation.DescribePardon(g, TestProcess.SystemScope()));
    }

    [Theory]
    [InlineData(ScopeKind.System, "the kernel's victim: highest badness")]
    [InlineData(ScopeKind.Cgroup, "the kernel's victim: highest badness in the cgroup")]
    public void Reasons_Victims_ComeFirst(ScopeKind kind, string kernelLine)
    {
        OomScope scope = kind == ScopeKind.System ? TestProcess.SystemScope() : TestProcess.CgroupScope(10_000);
        Evaluation e = Evaluate(scope, TestProcess.Make(100, rssPages: 1000, adj: 10));

        List<string> reasons = Explanation.Reasons(e, scope, isKernelVictim: true, isVictim: true);

        Assert.Equal("Pardon's victim: first in Pardon's order", reasons[0]);
        Assert.Equal(kernelLine, reasons[1]);
        Assert.StartsWith("oom_score_adj +10 moves the score by ", reasons[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Breakdown_Eligible_ShowsEveryTermOfTheArithmetic()
    {
        ProcessFacts p = TestProcess.Make(100, rssPages: 1000, swapPages: 30, pgTablesBytes: 8192, adj: 500);
        p.RssFilePages = 200;
        p.RssShmemPages = 7;
        Evaluation e = Evaluate(TestProcess.SystemScope(65535), p);

        List<string> lines = Explanation.Breakdown(e, TestProcess.SystemScope(65535));

        // rss 1207 + swap 30 + page tables 2 + 500 × 65 = 33739; oom_score (1000 + 33739000/65535 = 514) × 2 / 3 = 1009
        Assert.Equal(33739, e.KernelBadness);
        Assert.Equal(1009, e.OomScore);
        Assert.Equal(
            [
                "scope: system, totalpages 65535 (256 MiB), page size 4096",
                "rss: 1207 pages (4.7 MiB) = anon 1000 + file 200 + shmem 7 (the precise sums, which this kernel's oom_badness() reads)",
                "swap entries: 30 pages (120 KiB)",
                "page tables: 8192 bytes = 2 pages",
                "oom_score_adj: 500 × (totalpages / 1000 = 65) = 32500 pages",
                "kernel badness: 1207 + 30 + 2 + 32500 = 33739",
                "oom_score: (1000 + badness × 1000 / system totalpages 65535) × 2 / 3 = 1009 (badness against the system's totalpages)",
                "growth: 0 pages within the window → +0; Pardon score 33739",
                "tier: normal",
                "kill unit: process",
            ],
            lines);
    }

    [Fact]
    public void Breakdown_CgroupScope_NamesBothDenominators()
    {
        Evaluation e = Evaluate(TestProcess.CgroupScope(10_000), TestProcess.Make(100, rssPages: 500, adj: 100, comm: "pref"));

        List<string> lines = Explanation.Breakdown(e, TestProcess.CgroupScope(10_000));

        Assert.Contains("scope: cgroup /sys/fs/cgroup/memory/test, totalpages 10000 (39.1 MiB), page size 4096", lines);
        Assert.Contains("kernel badness: 500 + 0 + 0 + 1000 = 1500", lines);
        Assert.Contains("oom_score: (1000 + badness × 1000 / system totalpages 6171024) × 2 / 3 = 733 (badness against the system's totalpages)", lines);
        Assert.Contains("tier: preferred (prefer[0]: comm ~ /^pref$/)", lines);
        Assert.Contains("kill unit: cgroup (units[0])", lines);
    }

    [Fact]
    public void Breakdown_Ineligible_SaysOomScoreReadsZero()
    {
        Evaluation e = Evaluate(TestProcess.SystemScope(), TestProcess.Make(2, kernelThread: true, hasMm: false));

        List<string> lines = Explanation.Breakdown(e, TestProcess.SystemScope());

        Assert.Equal(2, lines.Count);
        Assert.Equal("kernel: not eligible — kernel thread; /proc/PID/oom_score reads 0", lines[1]);
    }

    [Theory]
    [InlineData(KernelIneligibility.None, "eligible")]
    [InlineData(KernelIneligibility.NoMm, "no memory of its own (a zombie, or exiting)")]
    [InlineData(KernelIneligibility.InVfork, "a vfork child sharing its parent's memory")]
    public void Describe_Ineligibility_IsReadable(KernelIneligibility why, string expected)
    {
        Assert.Equal(expected, Explanation.Describe(why));
    }
}
