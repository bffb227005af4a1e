// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Engine;

namespace Pardon.Core.Tests.Engine;

/// <summary>The per-scope step, driven directly: readings and times in, decisions and wake-up times out.</summary>
public sealed class ScopeStepTests
{
    private const long TotalKiB = 1024 * 1024;        // 1 GiB: term at 10 % = 104857 KiB, kill at 5 % = 52428 KiB
    private const long Plenty = 800 * 1024;
    private const long BelowTerm = 80 * 1024;
    private const long BelowKill = 40 * 1024;

    private static StepSettings Settings(bool dryRun = false) => new()
    {
        Thresholds = new Thresholds(MemoryLevel.FromPercent(10), MemoryLevel.FromPercent(5), MemoryLevel.FromPercent(10), MemoryLevel.FromPercent(5)),
        DryRun = dryRun,
        PollMinMs = 2,
        PollMaxMs = 3000,
        AssumedKiBPerMs = 6L * 1024 * 1024 / 1000.0,   // 6 GiB/s
        ScanIntervalMs = 1000,
        IdleScanIntervalMs = 10_000,
        KillGraceMs = 5000,
        ExitTimeoutMs = 10_000,
        VictimPollMs = 5,
        RetryMs = 100,
    };

    private static ScopeInput Reading(long availableKiB, long nowMs, VictimProgress victim = default, long swapTotalKiB = 0, long swapFreeKiB = 0) =>
        new(new MemorySample(TotalKiB, availableKiB, swapTotalKiB, swapFreeKiB, nowMs), nowMs, victim);

    [Fact]
    public void Plenty_DoesNothing_AndSleepsByTheHeadroom()
    {
        var step = new ScopeStep(Settings());

        ScopeDecision d = step.Step(Reading(Plenty, 1000));

        Assert.Equal(ScopeAction.None, d.Action);
        Assert.False(d.EpisodeStarted);
        Assert.False(step.InEpisode);

        // (800 MiB − 102.4 MiB) at 6 GiB/s ≈ 113.6 ms: the assumed worst case cannot cross the level unseen.
        Assert.InRange(d.SleepMs, 110, 117);
        Assert.Equal(1000 + (long)Math.Ceiling(d.SleepMs), d.WakeAtMs);
        Assert.Equal(104_857, d.Levels.TermKiB);
        Assert.Equal(52_428, d.Levels.KillKiB);
    }

    [Fact]
    public void MemoryAtTheLimit_SwapStillFree_SleepsBySwapsHeadroom_NotTheShortestPoll()
    {
        // A cgroup full of memory with 1 GiB of swap free: nothing can be done until swap runs low too, so the
        // distance to acting is swap's (1 GiB − 10 %), and the step must not poll every 2 ms meanwhile.
        var step = new ScopeStep(Settings());
        const long Swap = 1024 * 1024;

        ScopeDecision d = step.Step(Reading(BelowKill, 1000, swapTotalKiB: Swap, swapFreeKiB: Swap));

        Assert.Equal(ScopeAction.None, d.Action);
        Assert.InRange(d.SleepMs, 140, 160); // (1 GiB − 102.4 MiB) at 6 GiB/s ≈ 150 ms
        Assert.Equal((1024 * 1024) - 104_857, d.Levels.HeadroomKiB(new MemorySample(TotalKiB, BelowKill, Swap, Swap, 1000)));

        // Swap low as well: the terminate level, at once.
        Assert.Equal(ScopeAction.ActKill, step.Step(Reading(BelowKill, 1200, swapTotalKiB: Swap, swapFreeKiB: 40 * 1024)).Action);
    }

    [Fact]
    public void ScanSchedule_EverySecondNearTheLevel_EveryTenSecondsWhenPlentiful()
    {
        var near = new ScopeStep(Settings());
        Assert.True(near.Step(Reading(120 * 1024, 0)).ScanDue);      // the first reading always scans
        Assert.False(near.Step(Reading(120 * 1024, 500)).ScanDue);
        Assert.True(near.Step(Reading(120 * 1024, 1000)).ScanDue);
        Assert.False(near.Step(Reading(120 * 1024, 1999)).ScanDue);      // scans fall on whole seconds
        Assert.True(near.Step(Reading(120 * 1024, 2000)).ScanDue);

        var idle = new ScopeStep(Settings() with { AssumedKiBPerMs = 1 });   // slow: the poll hits its 3 s cap
        Assert.True(idle.Step(Reading(Plenty, 0)).ScanDue);
        Assert.False(idle.Step(Reading(Plenty, 3000)).ScanDue);
        Assert.False(idle.Step(Reading(Plenty, 9999)).ScanDue);
        Assert.True(idle.Step(Reading(Plenty, 10_000)).ScanDue);
    }

    [Fact]
    public void CoveredByAKernelWakeup_SleepsUntilTheNextScan_OnWholeSeconds()
    {
        var step = new ScopeStep(Settings());
        ScopeInput Covered(long availableKiB, long now) => new(new MemorySample(TotalKiB, availableKiB, 0, 0, now), now, VictimProgress.None, coveredByWakeup: true);

        ScopeDecision first = step.Step(Covered(200 * 1024, 1234));   // near the level: the planner alone would poll every ~16 ms
        Assert.True(first.ScanDue);
        Assert.Equal(3000, first.WakeAtMs);                            // the next scan, on a whole second
        Assert.Equal(1766, first.SleepMs);

        ScopeDecision second = step.Step(Covered(200 * 1024, 3000));
        Assert.True(second.ScanDue);
        Assert.Equal(4000, second.WakeAtMs);

        var idle = new ScopeStep(Settings() with { AssumedKiBPerMs = 1 });
        ScopeDecision plentiful = idle.Step(Covered(Plenty, 500));
        Assert.Equal(3500, plentiful.WakeAtMs);                        // plentiful: the longest poll

        // Not covered: the planner decides, as always.
        Assert.True(step.Step(Reading(200 * 1024, 4000)).WakeAtMs < 4100);
    }

    [Fact]
    public void Covered_ScansAtItsOwnInterval_AndStillReadsEveryLongestPoll()
    {
        var step = new ScopeStep(Settings() with { CoveredScanIntervalMs = 7500 });
        ScopeInput Covered(long now) => new(new MemorySample(TotalKiB, 200 * 1024, 0, 0, now), now, VictimProgress.None, coveredByWakeup: true);

        ScopeDecision d0 = step.Step(Covered(0));
        Assert.True(d0.ScanDue);
        Assert.Equal(3000, d0.WakeAtMs);         // the longest poll; the next scan is at 8000
        ScopeDecision d1 = step.Step(Covered(3000));
        Assert.False(d1.ScanDue);
        Assert.Equal(6000, d1.WakeAtMs);
        ScopeDecision d2 = step.Step(Covered(6000));
        Assert.False(d2.ScanDue);
        Assert.Equal(8000, d2.WakeAtMs);
        Assert.True(step.Step(Covered(8000)).ScanDue);

        // Uncovered again (usage went past the threshold): back to a scan every second.
        Assert.False(step.Step(Reading(200 * 1024, 8500)).ScanDue);
        Assert.True(step.Step(Reading(200 * 1024, 9000)).ScanDue);
    }

    [Theory]
    [InlineData(BelowTerm, ScopeAction.ActTerm, PressureLevel.Terminate)]
    [InlineData(BelowKill, ScopeAction.ActKill, PressureLevel.Kill)]
    public void Crossing_ActsAtOnce_AndStartsOneEpisode(long availableKiB, ScopeAction expected, PressureLevel level)
    {
        var step = new ScopeStep(Settings());
        step.Step(Reading(Plenty, 0));

        ScopeDecision d = step.Step(Reading(availableKiB, 10));

        Assert.Equal(expected, d.Action);
        Assert.Equal(level, d.Level);
        Assert.True(d.EpisodeStarted);
        Assert.Equal(10, d.WakeAtMs);
        Assert.True(step.InEpisode);
        Assert.Equal(level == PressureLevel.Kill ? 52_428 : 104_857, d.ThresholdKiB);
    }

    [Fact]
    public void SwapStillFree_MemoryAloneDoesNotAct()
    {
        var step = new ScopeStep(Settings());

        ScopeDecision d = step.Step(Reading(BelowKill, 0, swapTotalKiB: 1_000_000, swapFreeKiB: 900_000));

        Assert.Equal(ScopeAction.None, d.Action);
        // Memory is at the level, but 800 000 KiB of swap stand between it and acting: (900 000 − 100 000) KiB
        // at 6 GiB/s ≈ 127 ms, not the shortest poll (which spun at 2 ms for as long as swap stayed free).
        Assert.InRange(d.SleepMs, 120, 135);
    }

    [Fact]
    public void OneVictimAtATime_NothingIsChosenWhileOneIsFollowed()
    {
        var step = new ScopeStep(Settings());
        Assert.Equal(ScopeAction.ActTerm, step.Step(Reading(BelowTerm, 0)).Action);
        Assert.Equal(5, step.Acted(ActOutcome.Signalled, 0));

        ScopeDecision d = step.Step(Reading(BelowTerm, 5, VictimProgress.Terminated(0)));

        Assert.Equal(ScopeAction.None, d.Action);
        Assert.False(d.EpisodeStarted);
        Assert.Equal(10, d.WakeAtMs);   // the victim poll
    }

    [Fact]
    public void KillLevel_WhileTheVictimHasOnlySigterm_Escalates()
    {
        var step = new ScopeStep(Settings());
        step.Step(Reading(BelowTerm, 0));
        step.Acted(ActOutcome.Signalled, 0);

        ScopeDecision d = step.Step(Reading(BelowKill, 20, VictimProgress.Terminated(0)));

        Assert.Equal(ScopeAction.Escalate, d.Action);
        Assert.Equal(PressureLevel.Kill, d.Level);
        Assert.Equal(52_428, d.ThresholdKiB);
    }

    [Fact]
    public void GraceEnds_Escalates_AndTheStepWakesForIt()
    {
        var step = new ScopeStep(Settings() with { VictimPollMs = 10_000 });   // a long poll: the grace alone must wake it
        step.Step(Reading(BelowTerm, 0));
        step.Acted(ActOutcome.Signalled, 0);

        ScopeDecision waiting = step.Step(Reading(BelowTerm, 100, VictimProgress.Terminated(100)));
        Assert.Equal(ScopeAction.None, waiting.Action);
        Assert.Equal(5100, waiting.WakeAtMs);

        ScopeDecision d = step.Step(Reading(BelowTerm, 5100, VictimProgress.Terminated(100)));
        Assert.Equal(ScopeAction.Escalate, d.Action);
        Assert.Equal(PressureLevel.Terminate, d.Level);
    }

    [Fact]
    public void KilledVictim_NotEscalatedAgain_GivenUpAfterTheExitTimeout_ThenRetriedAfterAPause()
    {
        var step = new ScopeStep(Settings());
        step.Step(Reading(BelowKill, 0));
        step.Acted(ActOutcome.Signalled, 0);

        ScopeDecision waiting = step.Step(Reading(BelowKill, 9000, VictimProgress.Killed(0, 0)));
        Assert.Equal(ScopeAction.None, waiting.Action);
        Assert.Equal(9005, waiting.WakeAtMs);

        ScopeDecision abandon = step.Step(Reading(BelowKill, 10_000, VictimProgress.Killed(0, 0)));
        Assert.Equal(ScopeAction.Abandon, abandon.Action);
        Assert.Equal(10_100, abandon.WakeAtMs);

        ScopeDecision pause = step.Step(Reading(BelowKill, 10_050));
        Assert.Equal(ScopeAction.None, pause.Action);
        Assert.Equal(10_100, pause.WakeAtMs);
        Assert.Equal(ScopeAction.ActKill, step.Step(Reading(BelowKill, 10_100)).Action);
    }

    [Theory]
    [InlineData(ActOutcome.NoCandidate)]
    [InlineData(ActOutcome.Failed)]
    public void NothingCouldBeDone_WaitsBeforeTryingAgain(ActOutcome outcome)
    {
        var step = new ScopeStep(Settings());
        step.Step(Reading(BelowTerm, 0));

        Assert.Equal(100, step.Acted(outcome, 0));
        Assert.Equal(ScopeAction.None, step.Step(Reading(BelowTerm, 0)).Action);
        Assert.Equal(ScopeAction.None, step.Step(Reading(BelowTerm, 99)).Action);
        Assert.Equal(ScopeAction.ActTerm, step.Step(Reading(BelowTerm, 100)).Action);
    }

    [Fact]
    public void Vanished_DecidesAgainAtOnce()
    {
        var step = new ScopeStep(Settings());
        step.Step(Reading(BelowTerm, 0));

        Assert.Equal(7, step.Acted(ActOutcome.Vanished, 7));
        Assert.Equal(ScopeAction.ActTerm, step.Step(Reading(BelowTerm, 7)).Action);
    }

    [Fact]
    public void DryRun_DecidesOncePerShortage()
    {
        var step = new ScopeStep(Settings(dryRun: true));
        Assert.Equal(ScopeAction.ActTerm, step.Step(Reading(BelowTerm, 0)).Action);
        step.Acted(ActOutcome.DryRun, 0);

        for (long t = 100; t < 2000; t += 100)
        {
            Assert.Equal(ScopeAction.None, step.Step(Reading(BelowTerm, t)).Action);
        }

        step.Step(Reading(Plenty, 2000));   // the shortage ends
        Assert.False(step.InEpisode);
        ScopeDecision again = step.Step(Reading(BelowTerm, 2100));
        Assert.Equal(ScopeAction.ActTerm, again.Action);
        Assert.True(again.EpisodeStarted);
    }

    [Fact]
    public void Episode_EndsWhenMemoryRecovers()
    {
        var step = new ScopeStep(Settings());
        Assert.True(step.Step(Reading(BelowTerm, 0)).EpisodeStarted);
        step.Acted(ActOutcome.Signalled, 0);
        Assert.False(step.Step(Reading(BelowTerm, 5, VictimProgress.Terminated(0))).EpisodeStarted);

        ScopeDecision recovered = step.Step(Reading(Plenty, 50));   // the victim exited, memory is back

        Assert.Equal(ScopeAction.None, recovered.Action);
        Assert.False(step.InEpisode);
        Assert.True(recovered.ScanDue);   // acting scanned; the calm scans again at once
        Assert.True(step.Step(Reading(BelowTerm, 60)).EpisodeStarted);
    }

    [Fact]
    public void Unreadable_RetriesAfterTheLongestPoll()
    {
        Assert.Equal(3100, new ScopeStep(Settings()).Unreadable(100));
    }
}
