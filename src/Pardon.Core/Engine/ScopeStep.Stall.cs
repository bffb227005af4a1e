// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core.Stall;

namespace Pardon.Core.Engine;

/// <summary>
/// The memory-stall criterion in the scope's step. Each reading's PSI counter (<see cref="ScopeInput.StallTotalUs"/>)
/// goes to the scope's <see cref="StallTracker"/>; when its criterion is met the level is raised to Kill — a
/// stall that lasted the whole window is the freeze itself, so its culprit gets SIGKILL at once rather than a
/// grace period of more freeze — and <see cref="StallRaised"/> tells the engine to choose the stall's culprit
/// and explain the stall. Everything else is the step's usual rules: one victim at a time, the retry pause,
/// one decision per shortage in a dry run. After a stall kill the tracker cools down (see
/// <see cref="StallTracker"/>): the victim's exit, seen here as the victim no longer active, starts the fresh window.
/// </summary>
public sealed partial class ScopeStep
{
    private bool _victimWasActive;

    /// <summary>The scope's stall criterion, or null when it is off or the scope has no PSI source.</summary>
    public StallTracker? Stall { get; private set; }

    /// <summary>The last <see cref="Step"/> raised the level because the stall criterion was met.</summary>
    public bool StallRaised { get; private set; }

    /// <summary>Judges the scope's stall with <paramref name="tracker"/> from now on (null: not at all).</summary>
    public void UseStall(StallTracker? tracker) => Stall = tracker is { Settings.Enabled: true } ? tracker : null;

    partial void RaiseLevel(in ScopeInput input, ResolvedThresholds levels, ref PressureLevel level, ref long thresholdKiB)
    {
        StallRaised = false;
        if (Stall is null)
        {
            return;
        }

        long now = input.NowMs;
        if (_victimWasActive && !input.Victim.Active)
        {
            Stall.VictimGone(now);
        }

        _victimWasActive = input.Victim.Active;
        if (input.StallTotalUs is long total)
        {
            Stall.Observe(now, total);
        }

        if (Stall.Phase == StallPhase.Met && level != PressureLevel.Kill)
        {
            if (input.Victim.Active)
            {
                // A victim of the levels is still being waited for: raising the level escalates it to SIGKILL,
                // which is this stall's kill, so the cooldown starts now (and its window once it has exited).
                Stall.KillSent(now);
            }

            level = PressureLevel.Kill;
            StallRaised = true;
        }
    }

    /// <summary>
    /// Tells the stall criterion how acting on a stall ended: a signalled culprit starts the cooldown (the rest of
    /// it once the victim has exited); a dry run counts as a kill whose victim left at once, so the stall is judged
    /// again, and reported again, only on a fresh window.
    /// </summary>
    public void StallActed(ActOutcome outcome, long nowMs)
    {
        if (!StallRaised || Stall is null)
        {
            return;
        }

        if (outcome == ActOutcome.Signalled)
        {
            Stall.KillSent(nowMs);
        }
        else if (outcome == ActOutcome.DryRun)
        {
            Stall.KillSent(nowMs);
            Stall.VictimGone(nowMs);
        }
    }

    /// <summary>The step's wake-up, brought forward to the stall criterion's next reading when one is due sooner.</summary>
    public long WithStallReading(long wakeAtMs) => Stall is null ? wakeAtMs : Math.Min(wakeAtMs, Stall.NextReadingMs);
}
