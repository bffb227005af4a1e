// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Stall;

namespace Pardon.Core.Tests.Stall;

public sealed class StallTrackerTests
{
    private static void Feed(StallTracker tracker, StallTimeline truth, long fromMs, long toMs, long everyMs = 500)
    {
        for (long t = fromMs; t <= toMs; t += everyMs)
        {
            tracker.Observe(t, truth.TotalUs(t));
        }
    }

    [Fact]
    public void Quiet_then_building_then_met()
    {
        var truth = new StallTimeline().Then(5_000, 0).Then(30_000, 80);
        var tracker = new StallTracker(StallTestSettings.Forty);
        Feed(tracker, truth, 0, 5_000);
        Assert.Equal(StallPhase.Quiet, tracker.Phase);
        Assert.Equal(long.MaxValue, tracker.NextReadingMs);

        Feed(tracker, truth, 5_500, 8_000);
        Assert.Equal(StallPhase.Building, tracker.Phase);
        Assert.Equal(8_500, tracker.NextReadingMs);

        Feed(tracker, truth, 8_500, 15_000);
        Assert.Equal(StallPhase.Met, tracker.Phase);
        Assert.Equal(14_500, tracker.MetSinceMs);
    }

    [Fact]
    public void After_a_kill_a_whole_window_after_the_exit_is_judged_before_another()
    {
        // The stall goes on after the kill (a second culprit): it is judged again only on a window that lies
        // entirely after the victim's exit, and the held-back verdict is reported once.
        var truth = new StallTimeline().Then(60_000, 80);
        var tracker = new StallTracker(StallTestSettings.Forty);
        Feed(tracker, truth, 0, 10_000);
        Assert.Equal(StallPhase.Met, tracker.Phase);

        tracker.KillSent(10_000);
        Assert.Equal(StallPhase.Cooldown, tracker.Phase);
        Assert.Equal(-1, tracker.CooldownUntilMs);

        int heldBack = 0;
        for (long t = 10_500; t <= 12_000; t += 500)
        {
            tracker.Observe(t, truth.TotalUs(t));
            heldBack += tracker.CooldownHeldBack ? 1 : 0;
        }

        tracker.VictimGone(12_000);
        Assert.Equal(22_000, tracker.CooldownUntilMs);
        for (long t = 12_500; t < 22_000; t += 500)
        {
            Assert.Equal(StallPhase.Cooldown, tracker.Observe(t, truth.TotalUs(t)));
            heldBack += tracker.CooldownHeldBack ? 1 : 0;
        }

        Assert.Equal(1, heldBack);
        Assert.Equal(StallPhase.Met, tracker.Observe(22_000, truth.TotalUs(22_000)));
        Assert.Equal(-1, tracker.CooldownUntilMs);
    }

    [Fact]
    public void A_stall_the_kill_ended_leaves_the_scope_quiet_after_the_cooldown()
    {
        var truth = new StallTimeline().Then(12_000, 80).Then(30_000, 0);
        var tracker = new StallTracker(StallTestSettings.Forty);
        Feed(tracker, truth, 0, 11_000);
        tracker.KillSent(11_000);
        tracker.VictimGone(11_500);
        Feed(tracker, truth, 11_500, 21_000);
        Assert.Equal(StallPhase.Cooldown, tracker.Phase);
        Assert.Equal(21_500, tracker.NextReadingMs); // still read closely while cooling down
        Feed(tracker, truth, 21_500, 30_000);
        Assert.Equal(StallPhase.Quiet, tracker.Phase);
    }

    [Fact]
    public void A_victim_that_never_exits_does_not_blind_the_criterion_for_ever()
    {
        var truth = new StallTimeline().Then(60_000, 80);
        var tracker = new StallTracker(StallTestSettings.Forty);
        Feed(tracker, truth, 0, 10_000);
        tracker.KillSent(10_000);
        Feed(tracker, truth, 10_500, 29_500);
        Assert.Equal(StallPhase.Cooldown, tracker.Phase);
        Feed(tracker, truth, 30_000, 30_000);
        Assert.Equal(StallPhase.Met, tracker.Phase);
    }

    [Fact]
    public void Off_stays_off()
    {
        var tracker = new StallTracker(StallSettings.Off);
        Assert.Equal(StallPhase.Off, tracker.Observe(1_000, 1_000_000));
        Assert.Equal(StallPhase.Off, tracker.Observe(2_000, 2_000_000));
        Assert.Equal(long.MaxValue, tracker.NextReadingMs);
    }

    [Fact]
    public void A_new_counter_forgets_the_old_readings()
    {
        var truth = new StallTimeline().Then(20_000, 80);
        var tracker = new StallTracker(StallTestSettings.Forty);
        Feed(tracker, truth, 0, 12_000);
        Assert.Equal(StallPhase.Met, tracker.Phase);
        tracker.ResetReadings();
        Assert.Equal(StallPhase.Quiet, tracker.Phase);
        Assert.Equal(0, tracker.Window.Count);
    }
}
