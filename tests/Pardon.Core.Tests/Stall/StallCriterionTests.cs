// This file is part of Pardon, a userspace OOM killer for Linux.

using CsCheck;
using Pardon.Core.Stall;

namespace Pardon.Core.Tests.Stall;

public sealed class StallCriterionTests
{
    private static readonly StallSettings Default = StallTestSettings.Forty; // 40 % full over 10 s

    /// <summary>Feeds <paramref name="truth"/> read every <paramref name="everyMs"/> and returns the readings, one per read.</summary>
    private static List<StallReading> Replay(StallTimeline truth, StallSettings settings, long everyMs, long startMs = 0)
    {
        var window = new StallWindow(settings.ForMs, settings.ResolutionMs);
        var criterion = new StallCriterion(settings);
        var readings = new List<StallReading>();
        for (long t = startMs; t <= truth.EndMs; t += everyMs)
        {
            window.Record(t, truth.TotalUs(t));
            readings.Add(criterion.Evaluate(window));
        }

        return readings;
    }

    [Fact]
    public void A_sustained_stall_above_the_share_is_met_once_a_whole_window_holds_it()
    {
        var truth = new StallTimeline().Then(5_000, 0).Then(20_000, 60);
        List<StallReading> readings = Replay(truth, Default, 500);

        // The stall began at 5 s. At 14.5 s it has held 9.5 s of the window: 57 %, and the oldest tenth
        // (4.5-5.5 s) is half stalled, 30 %: above the 20 % floor. At 14 s that tenth was empty.
        StallReading first = readings.First(r => r.Met);
        Assert.Equal(14_500, first.AtMs);
        Assert.Equal(57, first.SharePercent, 3);
        Assert.Equal(30, first.WeakestSlicePercent, 3);
        Assert.Equal(10_000, first.SustainedMs);
        Assert.All(readings.Where(r => r.AtMs < 14_500), r => Assert.False(r.Met));
        Assert.All(readings.Where(r => r.AtMs >= 15_000), r => Assert.True(r.Met));
    }

    [Fact]
    public void A_stall_at_or_below_the_share_is_never_met()
    {
        var truth = new StallTimeline().Then(30_000, 40);
        Assert.DoesNotContain(Replay(truth, Default, 500), r => r.Met);
    }

    [Theory]
    [InlineData(2_000)]
    [InlineData(5_000)]
    [InlineData(8_000)]
    public void A_total_stall_shorter_than_the_window_is_never_met(long burstMs)
    {
        // 100 % stall: over the window it is 20-80 % (above 40 % from 4.1 s on), yet never sustained.
        var truth = new StallTimeline().Then(12_000, 0).Then(burstMs, 100).Then(20_000, 0);
        List<StallReading> readings = Replay(truth, Default, 500);
        Assert.DoesNotContain(readings, r => r.Met);
        Assert.Contains(readings, r => r.SharePercent > 40 || burstMs < 4_000);
    }

    [Fact]
    public void A_stall_that_lasts_the_window_is_met_even_when_it_wavers()
    {
        // Alternating 0.5 s at 90 % and 0.5 s at 25 %: 57.5 % on average, every second above the 20 % floor.
        var truth = new StallTimeline().Then(2_000, 0);
        for (int i = 0; i < 15; i++)
        {
            truth.Then(500, 90).Then(500, 25);
        }

        Assert.Contains(Replay(truth, Default, 500), r => r.Met);
    }

    [Theory]
    [InlineData(5_000)]
    [InlineData(5_250)]
    public void Two_bursts_with_quiet_seconds_between_are_not_sustained(long quietAtMs)
    {
        // 2 s without stall lie across at least one whole tenth of any window that holds them, wherever they fall.
        var truth = new StallTimeline().Then(quietAtMs, 80).Then(2_000, 0).Then(14_000 - quietAtMs, 80);
        List<StallReading> readings = Replay(truth, Default, 250);
        Assert.DoesNotContain(readings, r => r.Met);
        Assert.Equal(0, readings[^1].WeakestSlicePercent, 3);
        Assert.True(readings[^1].SharePercent > 40);
    }

    [Fact]
    public void Readings_younger_than_the_window_are_reported_but_never_met()
    {
        var truth = new StallTimeline().Then(4_000, 100);
        StallReading last = Replay(truth, Default, 500)[^1];
        Assert.False(last.Covered);
        Assert.False(last.Met);
        Assert.Equal(4_000, last.SpanMs);
        Assert.Equal(100, last.SharePercent, 3);
        Assert.True(last.Active);
    }

    [Fact]
    public void Some_reads_what_it_is_given_and_off_never_fires()
    {
        var truth = new StallTimeline().Then(20_000, 90);
        Assert.DoesNotContain(Replay(truth, StallSettings.Off, 500), r => r.Met || r.Active);
        Assert.Contains(Replay(truth, Default with { Kind = StallKind.Some }, 500), r => r.Met);
    }

    [Fact]
    public void Sparse_readings_delay_the_criterion_but_never_fire_it_early()
    {
        // Read every 3 s instead of every 0.5 s: the bounds are looser, so the criterion is met later, not sooner.
        var truth = new StallTimeline().Then(5_000, 0).Then(30_000, 70);
        long dense = Replay(truth, Default, 500).First(r => r.Met).AtMs;
        long? sparse = Replay(truth, Default, 3_000).Where(r => r.Met).Select(r => (long?)r.AtMs).FirstOrDefault();
        Assert.Equal(14_500, dense);
        Assert.True(sparse is null || sparse >= dense);
    }

    [Fact]
    public void Met_always_means_the_true_stall_met_the_criterion()
    {
        // Soundness, as a property: for random stall histories read at random moments, whenever the criterion
        // is met the true share over exactly the last window is above the setting and every true tenth of it
        // reached the floor. (Lower bounds only: a reading can be late, never wrong.)
        Gen.Select(Gen.Select(Gen.Int[100, 6_000], Gen.Int[0, 1_000]).Array[3, 30], Gen.Int[50, 2_000].Array[20, 200], Gen.Int[10, 90], Gen.Int[2, 20])
            .Sample((segments, gaps, above, seconds) =>
            {
                var truth = new StallTimeline();
                foreach ((int ms, int permille) in segments)
                {
                    truth.ThenPermille(ms, permille);
                }

                var settings = new StallSettings { AbovePercent = above, ForMs = seconds * 1_000L };
                var window = new StallWindow(settings.ForMs, settings.ResolutionMs);
                var criterion = new StallCriterion(settings);
                long t = 0;
                foreach (int gap in gaps)
                {
                    t += gap;
                    if (t > truth.EndMs)
                    {
                        break;
                    }

                    window.Record(t, truth.TotalUs(t));
                    StallReading r = criterion.Evaluate(window);
                    if (!r.Met)
                    {
                        continue;
                    }

                    long slice = settings.ForMs / StallCriterion.Slices;
                    if (truth.SharePercent(t - settings.ForMs, t) <= above)
                    {
                        return false;
                    }

                    for (int j = 0; j < StallCriterion.Slices; j++)
                    {
                        if (truth.SharePercent(t - ((j + 1) * slice), t - (j * slice)) < settings.SliceFloorPercent - 1e-9)
                        {
                            return false;
                        }
                    }
                }

                return true;
            });
    }
}
