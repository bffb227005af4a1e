// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests;

/// <summary>Levels against the scope's size: refused at start, and on every reading a fallback instead of a shredder.</summary>
public sealed class ThresholdsFitTests
{
    private const long GiB = 1024 * 1024; // in KiB
    private const long MiB = 1024;
    private const long Machine = 24_684_096; // this machine's MemTotal, 23.54 GiB

    private static MemoryLevel L(string text)
    {
        Assert.True(MemoryLevel.TryParse(text, out MemoryLevel level, out string error), error);
        return level;
    }

    private static Thresholds T(string term, string kill, string swapTerm = "10%", string swapKill = "5%") => new(L(term), L(kill), L(swapTerm), L(swapKill));

    private static MemorySample Sample(long total, long available, long swapTotal = 0, long swapFree = 0) => new(total, available, swapTotal, swapFree, 0);

    [Theory]
    [InlineData("30GiB", "5%", Machine, 0, LevelProblems.TermNotBelowTotal)]                  // the typo of the finding
    [InlineData("10%", "30GiB", Machine, 0, LevelProblems.KillNotBelowTotal | LevelProblems.KillAboveTerm)]
    [InlineData("10%", "3GiB", Machine, 0, LevelProblems.KillAboveTerm)]                       // 3 GiB > 10% of 23.5 GiB: a percentage and a size compared
    [InlineData("10%", "3GiB", 64 * GiB, 0, LevelProblems.None)]                              // ... and fine on a larger machine
    [InlineData("512MiB", "5%", 4 * GiB, 0, LevelProblems.None)]
    [InlineData("512MiB", "5%", 512 * MiB, 0, LevelProblems.TermNotBelowTotal)]               // equal to the total is always reached
    [InlineData("512MiB", "5%", 256 * MiB, 0, LevelProblems.TermNotBelowTotal)]               // a cgroup whose limit shrank
    [InlineData("99%", "98%", Machine, 0, LevelProblems.None)]                                 // strange but below the total
    [InlineData("30GiB", "40GiB", 0, 0, LevelProblems.None)]                                   // an unknown size is not judged
    public void Check_Memory(string term, string kill, long total, long swap, LevelProblems expected)
    {
        Assert.Equal(expected, T(term, kill).Check(total, swap));
    }

    [Theory]
    [InlineData("10%", "5%", 0, LevelProblems.None)]                     // no swap: swap levels do not apply
    [InlineData("4GiB", "1GiB", 0, LevelProblems.None)]
    [InlineData("4GiB", "1GiB", 2 * GiB, LevelProblems.SwapTermNotBelowTotal)]
    [InlineData("1GiB", "4GiB", 2 * GiB, LevelProblems.SwapKillNotBelowTotal | LevelProblems.SwapKillAboveSwapTerm)]
    [InlineData("100%", "50%", 2 * GiB, LevelProblems.None)]              // 100% of swap: act on memory alone (earlyoom's -s 100)
    [InlineData("5%", "10%", 2 * GiB, LevelProblems.SwapKillAboveSwapTerm)]
    [InlineData("10%", "512MiB", 2 * GiB, LevelProblems.SwapKillAboveSwapTerm)] // 512 MiB > 10% of 2 GiB
    public void Check_Swap(string swapTerm, string swapKill, long swapTotal, LevelProblems expected)
    {
        Assert.Equal(expected, T("10%", "5%", swapTerm, swapKill).Check(Machine, swapTotal));
    }

    [Fact]
    public void Describe_NamesTheFlagAndTheScopesSize()
    {
        Thresholds t = T("30GiB", "5%");
        LevelProblems p = t.Check(Machine, 0);

        string message = t.Describe(p, Machine, 0, "the system's", l => l == ThresholdLevel.Term ? "--term-below" : Thresholds.KeyOf(l));

        Assert.Equal("--term-below 30GiB is not below the system's memory (23.54 GiB): every reading would be a shortage", message);
    }

    [Fact]
    public void Describe_PercentAgainstSize_ShowsBothInKiB()
    {
        Thresholds t = T("10%", "3GiB");

        string message = t.Describe(t.Check(Machine, 0), Machine, 0, "the system's");

        Assert.Equal("thresholds.kill_below 3GiB is above thresholds.term_below 10% (2.35 GiB) for the system's memory (23.54 GiB); the kill level must be the lower one", message);
    }

    [Fact]
    public void Resolve_LimitShrankBelowTheLevel_FallsBackAndSaysSo_ThenReturns()
    {
        // term 512 MiB in a cgroup of 2 GiB; the limit drops to 256 MiB: with the configured levels every
        // reading would be a shortage (available <= 256 MiB < 512 MiB) and one process after another would die.
        Thresholds t = T("512MiB", "256MiB");

        ResolvedThresholds before = t.Resolve(Sample(2 * GiB, 1 * GiB), out LevelProblems p0);
        ResolvedThresholds shrunk = t.Resolve(Sample(256 * MiB, 200 * MiB), out LevelProblems p1);
        ResolvedThresholds grown = t.Resolve(Sample(4 * GiB, 3 * GiB), out LevelProblems p2);

        Assert.Equal(LevelProblems.None, p0);
        Assert.Equal(new ResolvedThresholds(512 * MiB, 256 * MiB, 0, 0), before);
        Assert.Equal(LevelProblems.TermNotBelowTotal | LevelProblems.KillNotBelowTotal, p1);
        Assert.Equal(new ResolvedThresholds(256 * MiB / 10, 256 * MiB / 20, 0, 0), shrunk); // Fallback: 10% and 5%
        Assert.Equal(PressureLevel.None, shrunk.Evaluate(Sample(256 * MiB, 200 * MiB), out _));
        Assert.Equal(LevelProblems.None, p2);
        Assert.Equal(new ResolvedThresholds(512 * MiB, 256 * MiB, 0, 0), grown);
    }

    [Fact]
    public void Resolve_SwapPairMisfit_FallsBackForSwapOnly()
    {
        Thresholds t = T("10%", "5%", "4GiB", "1GiB");

        ResolvedThresholds r = t.Resolve(Sample(Machine, Machine, 2 * GiB, 2 * GiB), out LevelProblems p);

        Assert.Equal(LevelProblems.SwapTermNotBelowTotal, p);
        Assert.Equal(Machine / 10, r.TermKiB);
        Assert.Equal(2 * GiB / 10, r.SwapTermKiB);
        Assert.Equal(2 * GiB / 20, r.SwapKillKiB);
    }

    [Fact]
    public void DescribeFallback_SaysWhatIsUsedInstead()
    {
        Thresholds t = T("512MiB", "256MiB");
        MemorySample s = Sample(256 * MiB, 200 * MiB);
        t.Resolve(s, out LevelProblems p);

        string message = t.DescribeFallback(p, s, "cgroup /sys/fs/cgroup/memory/app's");

        Assert.Equal("thresholds.term_below 512MiB is not below cgroup /sys/fs/cgroup/memory/app's memory (256 MiB): every reading would be a shortage; " +
            "acting at 10% and 5% (25.6 MiB and 12.8 MiB) instead until the configured levels fit again", message);
    }

    [Fact]
    public void Resolve_AllocatesNothing()
    {
        // The monitor resolves on every reading; its loop must stay allocation-free.
        Thresholds t = T("512MiB", "5%");
        MemorySample fits = Sample(Machine, Machine / 2);
        MemorySample misfit = Sample(256 * MiB, 100 * MiB);
        t.Resolve(fits, out _);
        t.Resolve(misfit, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            t.Resolve(i % 2 == 0 ? fits : misfit, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Fallback_FitsAnySize()
    {
        foreach (long total in new[] { 1L, 1024, 64 * MiB, Machine, 1024 * GiB })
        {
            Assert.Equal(LevelProblems.None, Thresholds.Fallback.Check(total, total));
        }
    }
}
