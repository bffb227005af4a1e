// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Stall;

namespace Pardon.Core.Tests.Stall;

public sealed class FaultHistoryTests
{
    [Fact]
    public void Rates_run_from_the_baseline_checkpoint_to_the_newest_reading()
    {
        var h = default(FaultHistory);
        h.Record(0, 1_000, rssPages: 100, swapPages: 0, windowMs: 10_000);
        h.Record(5_000, 11_000, rssPages: 100, swapPages: 0, windowMs: 10_000);
        h.Record(8_000, 17_000, rssPages: 100, swapPages: 0, windowMs: 10_000);

        FaultRates r = h.Rates(10_000);
        Assert.Equal(8_000, r.SpanMs);
        Assert.Equal(2_000, r.MajorFaultsPerSecond, 6);
        Assert.Equal(0, r.GrowthPagesPerSecond, 6);
        Assert.Equal(2_000, r.DemandPagesPerSecond, 6);
    }

    [Fact]
    public void Swap_movement_counts_both_ways_although_the_level_stands_still()
    {
        // Out 1000 pages, in 1000, out 1000, in 1000: VmSwap ends where it began, yet 2000 pages went each way.
        var h = default(FaultHistory);
        long[] levels = [5_000, 6_000, 5_000, 6_000, 5_000];
        for (int i = 0; i < levels.Length; i++)
        {
            h.Record(i * 1_000, 0, 100, levels[i], 10_000);
        }

        FaultRates r = h.Rates(10_000);
        Assert.Equal(4_000, r.SpanMs);
        Assert.Equal(500, r.SwapInPagesPerSecond, 6);
        Assert.Equal(500, r.SwapOutPagesPerSecond, 6);
        Assert.Equal(5_000, r.SwapPages);

        // Swapped back in without a major fault (read ahead into the swap cache) still counts as demand.
        Assert.Equal(500, r.DemandPagesPerSecond, 6);
    }

    [Fact]
    public void Growth_adds_to_demand_and_shrinking_does_not_subtract()
    {
        var grow = default(FaultHistory);
        grow.Record(0, 0, 100, 0, 10_000);
        grow.Record(2_000, 0, 2_100, 0, 10_000);
        Assert.Equal(1_000, grow.Rates(10_000).DemandPagesPerSecond, 6);

        var shrink = default(FaultHistory);
        shrink.Record(0, 10, 2_100, 0, 10_000);
        shrink.Record(2_000, 210, 100, 0, 10_000);
        Assert.Equal(100, shrink.Rates(10_000).DemandPagesPerSecond, 6);
        Assert.Equal(-1_000, shrink.Rates(10_000).GrowthPagesPerSecond, 6);
    }

    [Fact]
    public void Old_activity_leaves_the_window()
    {
        // A burst of faults long ago, nothing since: once the checkpoints move on, the rate is zero.
        var h = default(FaultHistory);
        h.Record(0, 0, 100, 0, 10_000);
        h.Record(1_000, 50_000, 100, 0, 10_000);
        for (long t = 6_000; t <= 30_000; t += 5_000)
        {
            h.Record(t, 50_000, 100, 0, 10_000);
        }

        Assert.Equal(0, h.Rates(10_000).MajorFaultsPerSecond, 6);
        Assert.InRange(h.Rates(10_000).SpanMs, 5_000, 10_000);
    }

    [Fact]
    public void A_counter_going_backwards_starts_again()
    {
        var h = default(FaultHistory);
        h.Record(0, 90_000, 100, 0, 10_000);
        h.Record(1_000, 10, 100, 0, 10_000); // a new process in the same slot
        Assert.Equal(0, h.Rates(10_000).SpanMs);
        h.Record(2_000, 1_010, 100, 0, 10_000);
        Assert.Equal(1_000, h.Rates(10_000).MajorFaultsPerSecond, 6);
    }

    [Fact]
    public void Nothing_recorded_means_no_rates()
    {
        Assert.Equal(default, default(FaultHistory).Rates(10_000));
    }
}
