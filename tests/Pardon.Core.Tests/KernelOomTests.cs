// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests;

/// <summary>
/// mm/oom_kill.c oom_badness() and select_bad_process(), fs/proc/base.c proc_oom_score(). The expected
/// figures are worked out by hand from the kernel's C expressions (comments show the arithmetic).
/// </summary>
public sealed class KernelOomTests
{
    [Theory]
    [InlineData(1000, 0, 0, 0, 1_000_000, 4096, 1000)]
    [InlineData(1000, 200, 8192, 0, 1_000_000, 4096, 1202)]        // rss + swap + 8192/4096
    [InlineData(0, 0, 4095, 0, 1_000_000, 4096, 0)]                // page tables: bytes / PAGE_SIZE truncates
    [InlineData(1000, 0, 0, 500, 65535, 4096, 33500)]             // 65535/1000 = 65 first; 500*65535/1000 would be 32767
    [InlineData(1000, 0, 0, -500, 65535, 4096, -31500)]           // 1000 - 500*65
    [InlineData(1000, 0, 0, 1000, 999, 4096, 1000)]               // totalpages < 1000: adj is worth nothing
    [InlineData(0, 0, 0, 1, 1999, 4096, 1)]                       // 1999/1000 = 1
    [InlineData(1000, 0, 0, 1000, 1000, 4096, 2000)]
    [InlineData(5000, 0, 0, -999, 6171024, 4096, -6159829)]       // 5000 - 999*6171
    [InlineData(100, 0, 131072, 0, 1_000_000, 65536, 102)]        // 64 KiB pages (arm64): 131072/65536 = 2
    [InlineData(1101, 0, 49152, 0, 6171024, 4096, 1113)]          // a real bash: RssAnon 1424 + RssFile 2980 kB, VmPTE 48 kB
    public void Badness_Figures_FollowOomBadness(long rss, long swap, long pgTablesBytes, short adj, long totalPages, long pageSize, long expected)
    {
        Assert.Equal(expected, KernelOom.Badness(rss, swap, pgTablesBytes, adj, totalPages, pageSize));

        ProcessFacts p = TestProcess.Make(pid: 100, rssPages: rss, adj: adj, swapPages: swap, pgTablesBytes: pgTablesBytes);
        Assert.Equal(expected, KernelOom.Badness(p, totalPages, pageSize));
    }

    [Fact]
    public void Badness_RssSplitAcrossCounters_SumsAnonFileAndShmem()
    {
        // get_mm_rss() = MM_FILEPAGES + MM_ANONPAGES + MM_SHMEMPAGES
        ProcessFacts p = TestProcess.Make(pid: 100);
        p.RssAnonPages = 10;
        p.RssFilePages = 200;
        p.RssShmemPages = 3000;
        Assert.Equal(3210, KernelOom.Badness(p, 1_000_000, 4096));
    }

    [Theory]
    [InlineData(1, false, true, 0, false, KernelIneligibility.Init)]
    [InlineData(1, true, false, -1000, true, KernelIneligibility.Init)]            // init first, whatever else holds
    [InlineData(2, true, false, 0, false, KernelIneligibility.KernelThread)]
    [InlineData(2, true, true, -1000, false, KernelIneligibility.KernelThread)]
    [InlineData(300, false, false, 0, false, KernelIneligibility.NoMm)]            // zombie
    [InlineData(300, false, false, -1000, false, KernelIneligibility.NoMm)]
    [InlineData(300, false, true, -1000, false, KernelIneligibility.OomScoreAdjMin)]
    [InlineData(300, false, true, -1000, true, KernelIneligibility.OomScoreAdjMin)]
    [InlineData(300, false, true, 0, true, KernelIneligibility.InVfork)]
    [InlineData(300, false, true, -999, false, KernelIneligibility.None)]           // negative but eligible
    [InlineData(300, false, true, 1000, false, KernelIneligibility.None)]
    [InlineData(300, false, true, 0, false, KernelIneligibility.None)]
    public void GetIneligibility_Flags_MatchOomUnkillableTask(int pid, bool kernelThread, bool hasMm, short adj, bool inVfork, KernelIneligibility expected)
    {
        ProcessFacts p = TestProcess.Make(pid, rssPages: 50_000, adj: adj, kernelThread: kernelThread, hasMm: hasMm, inVfork: inVfork);

        Assert.Equal(expected, KernelOom.GetIneligibility(p));
        long badness = KernelOom.Badness(p, TestProcess.MachineTotalPages, 4096);
        if (expected == KernelIneligibility.None)
        {
            Assert.NotEqual(KernelOom.Ineligible, badness);
        }
        else
        {
            Assert.Equal(KernelOom.Ineligible, badness);
            Assert.Equal(0, KernelOom.OomScore(badness, TestProcess.MachineTotalPages));
        }
    }

    [Theory]
    [InlineData(0, 1000, 666)]                      // (1000 + 0) * 2 / 3
    [InlineData(1000, 1000, 1333)]                  // (1000 + 1000) * 2 / 3
    [InlineData(2000, 1000, 2000)]                  // the ceiling: rss = totalpages and adj 1000
    [InlineData(-3, 2000, 666)]                     // -3000/2000 = -1.5 truncates to -1 (flooring would give 665)
    [InlineData(-6164829, 6171024, 1)]              // adj -999 of 24 GiB: -998.996 truncates to -998 → 2*2/3 (flooring: 0)
    [InlineData(6171000, 6171024, 1332)]            // adj 1000, rss 0: 999.996 → 999
    [InlineData(1113, 6171024, 666)]                // the real bash above: /proc/1019/oom_score read 666
    [InlineData(286, 6171024, 666)]                 // a real memfd process: RssAnon 108 + RssShmem 992 + RssFile 4 kB, VmPTE 40 kB
    [InlineData(3085512, 6171024, 1000)]            // exactly half of totalpages: (1000 + 500) * 2 / 3
    [InlineData(3085511, 6171024, 999)]             // one page less: 499.9998 → 499, (1499 * 2) / 3 = 999
    [InlineData(KernelOom.Ineligible, 6171024, 0)]
    [InlineData(500, 0, 0)]
    public void OomScore_Badness_FollowsProcOomScore(long badness, long systemTotalPages, long expected)
    {
        Assert.Equal(expected, KernelOom.OomScore(badness, systemTotalPages));
    }

    [Fact]
    public void OomScore_AnyEligibleProcess_StaysWithin0And2000()
    {
        var random = new Random(20040923);
        for (int i = 0; i < 20_000; i++)
        {
            long total = random.NextInt64(1, 1L << 36);
            long rss = random.NextInt64(0, total + 1);
            short adj = (short)random.Next(-999, 1001);
            long badness = KernelOom.Badness(rss, 0, 0, adj, total, 4096);
            long score = KernelOom.OomScore(badness, total);
            Assert.InRange(score, 0, 2000);
        }
    }

    [Theory]
    [InlineData(1, 10L, 30L, 20L)]
    [InlineData(2, 30L, 10L, 30L)]                                      // equal badness: the later one wins
    [InlineData(3, 7L, 7L, 7L, 7L)]
    [InlineData(1, -5L, -3L, -7L)]                                      // all negative: the least negative
    [InlineData(0, long.MinValue + 1)]                                  // the lowest real score is still a score
    [InlineData(-1, KernelOom.Ineligible, KernelOom.Ineligible)]
    [InlineData(1, KernelOom.Ineligible, -100L, KernelOom.Ineligible)]
    [InlineData(2, 5L, KernelOom.Ineligible, 5L, 4L)]
    [InlineData(0, 5L, KernelOom.Ineligible, 4L)]
    [InlineData(-1)]
    public void SelectVictim_Badness_FollowsSelectBadProcess(int expected, params long[] badness)
    {
        Assert.Equal(expected, KernelOom.SelectVictim(badness));
    }
}
