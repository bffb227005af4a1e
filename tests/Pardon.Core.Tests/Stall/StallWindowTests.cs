// This file is part of Pardon, a userspace OOM killer for Linux.

using CsCheck;
using Pardon.Core.Stall;

namespace Pardon.Core.Tests.Stall;

public sealed class StallWindowTests
{
    [Fact]
    public void Readings_on_the_interval_edges_give_the_exact_stall()
    {
        var w = new StallWindow(10_000, 500);
        w.Record(1_000, 5_000_000);
        w.Record(1_500, 5_200_000);
        w.Record(2_000, 5_450_000);

        Assert.True(w.TryStallBetween(1_000, 2_000, out long low, out long high));
        Assert.Equal(450_000, low);
        Assert.Equal(450_000, high);
    }

    [Fact]
    public void Between_readings_the_counter_is_bounded_by_wall_time()
    {
        // 500 ms of stall between 0 and 1000 ms: in [500, 1000] there may have been none (all before 500)
        // or all 500 ms of it (all after 500).
        var w = new StallWindow(10_000, 500);
        w.Record(0, 0);
        w.Record(1_000, 500_000);

        Assert.True(w.TryStallBetween(500, 1_000, out long low, out long high));
        Assert.Equal(0, low);
        Assert.Equal(500_000, high);

        // 900 ms of 1000: at least 400 of it in any 500 ms half.
        var busy = new StallWindow(10_000, 500);
        busy.Record(0, 0);
        busy.Record(1_000, 900_000);
        Assert.True(busy.TryStallBetween(0, 500, out low, out high));
        Assert.Equal(400_000, low);
        Assert.Equal(500_000, high);
    }

    [Fact]
    public void Intervals_outside_the_readings_are_refused()
    {
        var w = new StallWindow(10_000, 500);
        Assert.False(w.TryStallBetween(0, 10, out _, out _));
        w.Record(1_000, 0);
        w.Record(2_000, 100);
        Assert.False(w.TryStallBetween(999, 2_000, out _, out _));
        Assert.False(w.TryStallBetween(1_000, 2_001, out _, out _));
        Assert.True(w.TryStallBetween(1_000, 2_000, out _, out _));
    }

    [Fact]
    public void A_counter_that_goes_backwards_starts_a_new_series()
    {
        var w = new StallWindow(10_000, 500);
        w.Record(1_000, 9_000_000);
        w.Record(2_000, 9_100_000);
        w.Record(3_000, 50); // the cgroup was removed and made again: a new counter
        Assert.Equal(1, w.Count);
        Assert.Equal(3_000, w.OldestMs);
        Assert.Equal(50, w.NewestTotalUs);
    }

    [Fact]
    public void Readings_closer_than_half_the_resolution_replace_the_newest()
    {
        var w = new StallWindow(10_000, 500);
        w.Record(0, 0);
        w.Record(500, 10);
        for (int t = 501; t < 750; t++)
        {
            w.Record(t, 10 + t);
        }

        Assert.Equal(3, w.Count);
        Assert.Equal(749, w.NewestMs);
        Assert.Equal(759, w.NewestTotalUs);
    }

    [Fact]
    public void The_ring_always_spans_the_window_however_often_it_is_fed()
    {
        // Property: whatever the spacing of readings (1 ms to 3 s), once they have run longer than the window
        // plus one resolution step, the oldest kept reading is at least a window old: the window is covered.
        Gen.Select(Gen.Int[1, 3_000].Array[50, 400], Gen.Int[2_000, 30_000], Gen.Int[100, 1_000])
            .Sample((gaps, windowMs, resolutionMs) =>
            {
                var w = new StallWindow(windowMs, resolutionMs);
                long t = 0, total = 0;
                foreach (int gap in gaps)
                {
                    t += gap;
                    total += gap / 2;
                    w.Record(t, total);
                    if (t >= windowMs + resolutionMs + 3_000 && w.NewestMs - w.OldestMs < windowMs)
                    {
                        return false;
                    }
                }

                return w.Count <= w.Capacity;
            });
    }

    [Fact]
    public void Bounds_always_hold_the_true_stall()
    {
        // Property: for a random stall history read at random moments, the bounds for any interval within the
        // readings contain the true stall and never exceed the interval itself.
        Gen.Select(Gen.Select(Gen.Int[20, 4_000], Gen.Int[0, 1_000]).Array[5, 40], Gen.Int[5, 2_500].Array[10, 60], Gen.Double[0, 1], Gen.Double[0, 1])
            .Sample((segments, gaps, a, b) =>
            {
                var truth = new StallTimeline();
                foreach ((int ms, int permille) in segments)
                {
                    truth.ThenPermille(ms, permille);
                }

                var w = new StallWindow(60_000, 100);
                long t = 0;
                foreach (int gap in gaps)
                {
                    t = Math.Min(t + gap, truth.EndMs);
                    w.Record(t, truth.TotalUs(t));
                }

                if (w.Count < 2)
                {
                    return true;
                }

                long span = w.NewestMs - w.OldestMs;
                long from = w.OldestMs + (long)(Math.Min(a, b) * span);
                long to = w.OldestMs + (long)(Math.Max(a, b) * span);
                if (!w.TryStallBetween(from, to, out long low, out long high))
                {
                    return false;
                }

                long actual = truth.TotalUs(to) - truth.TotalUs(from);
                return low <= actual && actual <= high && high <= (to - from) * 1000;
            });
    }
}
