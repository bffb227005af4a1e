// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Engine;
using Pardon.Core.Stall;
using Pardon.Core.Tests.Stall;

namespace Pardon.Core.Tests.Engine;

/// <summary>The stall criterion inside the per-scope step: PSI readings in, a stall kill (and its cooldown) out.</summary>
public sealed class ScopeStepStallTests
{
    private const long TotalKiB = 1024 * 1024;
    private const long Plenty = 800 * 1024;
    private const long BelowTerm = 80 * 1024;

    private static StepSettings Settings(bool dryRun = false) => new()
    {
        Thresholds = new Thresholds(MemoryLevel.FromPercent(10), MemoryLevel.FromPercent(5), MemoryLevel.FromPercent(10), MemoryLevel.FromPercent(5)),
        DryRun = dryRun,
        AssumedKiBPerMs = 1,   // the poll sleeps its full 3 s when memory is plentiful
    };

    private static ScopeStep Step(bool dryRun = false)
    {
        var step = new ScopeStep(Settings(dryRun));
        step.UseStall(new StallTracker(StallTestSettings.Forty));
        return step;
    }

    private static ScopeInput Reading(StallTimeline truth, long nowMs, long availableKiB = Plenty, VictimProgress victim = default) =>
        new ScopeInput(new MemorySample(TotalKiB, availableKiB, 0, 0, nowMs), nowMs, victim) { StallTotalUs = truth.TotalUs(nowMs) };

    /// <summary>Steps every time the step asks to be woken, until <paramref name="untilMs"/> or an act.</summary>
    private static (ScopeDecision Decision, long AtMs) RunUntilAct(ScopeStep step, StallTimeline truth, long fromMs, long untilMs)
    {
        long now = fromMs;
        while (true)
        {
            ScopeDecision d = step.Step(Reading(truth, now));
            if (d.Action != ScopeAction.None || now >= untilMs)
            {
                return (d, now);
            }

            now = Math.Min(step.WithStallReading(d.WakeAtMs), untilMs);
        }
    }

    [Fact]
    public void A_sustained_stall_with_plenty_of_memory_kills_with_sigkill_a_window_after_it_began()
    {
        var truth = new StallTimeline().Then(5_000, 0).Then(30_000, 70);
        ScopeStep step = Step();

        // Quiet: the step sleeps its full poll (the PSI trigger would wake it), reading at every wake-up.
        ScopeDecision quiet = step.Step(Reading(truth, 0));
        Assert.Equal(3_000, step.WithStallReading(quiet.WakeAtMs));

        (ScopeDecision d, long at) = RunUntilAct(step, truth, 3_000, 30_000);
        Assert.Equal(ScopeAction.ActKill, d.Action);
        Assert.Equal(PressureLevel.Kill, d.Level);
        Assert.True(step.StallRaised);
        Assert.True(d.EpisodeStarted);

        // The stall began at 5 s; the first reading after it came at 6 s (the 3 s poll), then one every 500 ms.
        // Between 3 and 6 s the counter is only bounded, so the oldest tenth of the window holds the floor a
        // little later than it would with dense readings: met between 10 and 11 s after the stall began.
        Assert.InRange(at, 15_000, 16_000);
    }

    [Fact]
    public void After_the_kill_it_cools_down_and_judges_a_fresh_window_after_the_exit()
    {
        var truth = new StallTimeline().Then(60_000, 70);
        ScopeStep step = Step();
        (_, long at) = RunUntilAct(step, truth, 0, 30_000);
        step.Acted(ActOutcome.Signalled, at);
        step.StallActed(ActOutcome.Signalled, at);
        Assert.Equal(StallPhase.Cooldown, step.Stall!.Phase);

        // The victim takes 2 s to exit; the stall goes on (another culprit): nothing for a window after the exit.
        VictimProgress killed = VictimProgress.Killed(at, at);
        for (long t = at + 500; t < at + 2_000; t += 500)
        {
            Assert.Equal(ScopeAction.None, step.Step(Reading(truth, t, victim: killed)).Action);
        }

        long exited = at + 2_000;
        for (long t = exited; t < exited + 10_000; t += 500)
        {
            ScopeDecision d = step.Step(Reading(truth, t));
            Assert.Equal(ScopeAction.None, d.Action);
            Assert.False(step.StallRaised);
        }

        Assert.Equal(ScopeAction.ActKill, step.Step(Reading(truth, exited + 10_000)).Action);
    }

    [Fact]
    public void A_burst_shorter_than_the_window_never_acts()
    {
        var truth = new StallTimeline().Then(3_000, 0).Then(6_000, 100).Then(30_000, 0);
        (ScopeDecision d, _) = RunUntilAct(Step(), truth, 0, 39_000);
        Assert.Equal(ScopeAction.None, d.Action);
    }

    [Fact]
    public void A_dry_run_reports_once_per_window()
    {
        var truth = new StallTimeline().Then(60_000, 70);
        ScopeStep step = Step(dryRun: true);
        (_, long first) = RunUntilAct(step, truth, 0, 30_000);
        step.Acted(ActOutcome.DryRun, first);
        step.StallActed(ActOutcome.DryRun, first);
        (ScopeDecision d, long second) = RunUntilAct(step, truth, first + 500, 60_000);
        Assert.Equal(ScopeAction.ActKill, d.Action);
        Assert.Equal(first + 10_000, second);
    }

    [Fact]
    public void A_victim_of_the_levels_is_escalated_when_the_stall_criterion_is_met()
    {
        var truth = new StallTimeline().Then(30_000, 70);
        ScopeStep step = Step();
        for (long t = 0; t < 10_000; t += 500)
        {
            step.Step(Reading(truth, t));
        }

        // A SIGTERMed victim of the levels is being waited for when the stall criterion is met: SIGKILL it now.
        ScopeDecision d = step.Step(Reading(truth, 10_000, BelowTerm, VictimProgress.Terminated(9_000)));
        Assert.Equal(ScopeAction.Escalate, d.Action);
        Assert.True(step.StallRaised);
        Assert.Equal(StallPhase.Cooldown, step.Stall!.Phase);
    }

    [Fact]
    public void Without_a_stall_tracker_the_levels_alone_decide()
    {
        var step = new ScopeStep(Settings());
        step.UseStall(new StallTracker(StallSettings.Off));
        Assert.Null(step.Stall);
        var truth = new StallTimeline().Then(30_000, 100);
        (ScopeDecision d, _) = RunUntilAct(step, truth, 0, 29_000);
        Assert.Equal(ScopeAction.None, d.Action);
        Assert.Equal(ScopeAction.ActTerm, step.Step(Reading(truth, 29_500, BelowTerm)).Action);
    }
}
