// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Stall;

/// <summary>
/// One scope's stall criterion over time: the readings (<see cref="StallWindow"/>), their judgement
/// (<see cref="StallCriterion"/>), when to read next, and the cooldown after a kill. The caller feeds it every
/// PSI counter reading it takes (each wake-up of the monitor may take one; they cost one pread) and asks
/// <see cref="NextReadingMs"/> when it must take the next. Pure; allocates nothing after construction.
/// </summary>
public sealed class StallTracker
{
    private long _killMs = -1;
    private long _victimGoneMs = -1;
    private bool _cooldownReported;

    public StallTracker(StallSettings settings)
    {
        Settings = settings;
        Criterion = new StallCriterion(settings);
        Window = new StallWindow(settings.ForMs, settings.ResolutionMs);
        Phase = settings.Enabled ? StallPhase.Quiet : StallPhase.Off;
    }

    public StallSettings Settings { get; }

    public StallCriterion Criterion { get; }

    public StallWindow Window { get; }

    public StallPhase Phase { get; private set; }

    /// <summary>The judgement of the newest reading.</summary>
    public StallReading Last { get; private set; }

    /// <summary>When the criterion was first seen met in the current episode (for latencies); -1 when not met.</summary>
    public long MetSinceMs { get; private set; } = -1;

    /// <summary>
    /// The end of the cooldown (a whole window after the victim exited), or -1 outside a cooldown or while the
    /// victim has not exited yet.
    /// </summary>
    public long CooldownUntilMs => _killMs < 0 ? -1 : _victimGoneMs < 0 ? -1 : _victimGoneMs + Settings.ForMs;

    /// <summary>
    /// True once per cooldown, the first time the stall would have met the criterion during it: the caller says
    /// so in an event ("cooldown") so nobody wonders why a stalled scope is left alone.
    /// </summary>
    public bool CooldownHeldBack { get; private set; }

    /// <summary>Records the counter read at <paramref name="nowMs"/> and judges the window as of then.</summary>
    public StallPhase Observe(long nowMs, long totalUs)
    {
        CooldownHeldBack = false;
        if (!Settings.Enabled)
        {
            return Phase;
        }

        Window.Record(nowMs, totalUs);
        StallReading reading = Criterion.Evaluate(Window);
        Last = reading;

        if (_killMs >= 0)
        {
            // A victim that never exits (stuck in the kernel) must not blind the criterion for ever: after a
            // window, its kill counts as over.
            if (_victimGoneMs < 0 && nowMs - _killMs >= Settings.ForMs)
            {
                _victimGoneMs = nowMs;
            }

            if (_victimGoneMs < 0 || nowMs < _victimGoneMs + Settings.ForMs)
            {
                if (reading.Met && !_cooldownReported)
                {
                    _cooldownReported = true;
                    CooldownHeldBack = true;
                }

                Phase = StallPhase.Cooldown;
                return Phase;
            }

            _killMs = _victimGoneMs = -1;
            _cooldownReported = false;
        }

        if (reading.Met)
        {
            if (MetSinceMs < 0)
            {
                MetSinceMs = nowMs;
            }

            Phase = StallPhase.Met;
        }
        else
        {
            MetSinceMs = -1;
            Phase = reading.Active ? StallPhase.Building : StallPhase.Quiet;
        }

        return Phase;
    }

    /// <summary>A victim was signalled because of the stall, at <paramref name="nowMs"/>: the cooldown starts.</summary>
    public void KillSent(long nowMs)
    {
        _killMs = nowMs;
        _victimGoneMs = -1;
        _cooldownReported = false;
        MetSinceMs = -1;
        if (Settings.Enabled)
        {
            Phase = StallPhase.Cooldown;
        }
    }

    /// <summary>The victim exited (or the daemon gave up waiting for it): a whole window must pass from now.</summary>
    public void VictimGone(long nowMs)
    {
        if (_killMs >= 0 && _victimGoneMs < 0)
        {
            _victimGoneMs = nowMs;
        }
    }

    /// <summary>
    /// When the next counter reading is due: one resolution step after the newest while stalling or cooling
    /// down, else never (the PSI trigger, or the monitor's other wake-ups, bring the next one).
    /// </summary>
    public long NextReadingMs => Phase is StallPhase.Building or StallPhase.Met or StallPhase.Cooldown
        ? Window.NewestMs + Settings.ResolutionMs
        : long.MaxValue;

    /// <summary>Forgets the readings (the PSI source changed), keeping a cooldown in progress.</summary>
    public void ResetReadings()
    {
        Window.Clear();
        Last = default;
        MetSinceMs = -1;
        if (Phase is StallPhase.Building or StallPhase.Met)
        {
            Phase = StallPhase.Quiet;
        }
    }
}
