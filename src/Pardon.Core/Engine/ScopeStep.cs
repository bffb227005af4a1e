// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Engine;

/// <summary>
/// One scope's policy over time, as a pure step: given a memory reading, the time and the kill tracker's
/// state, it decides what to do (nothing, act at the terminate or the kill level, escalate to SIGKILL,
/// give up on a stuck victim) and when it wants to be called again. It holds the scope's levels, its
/// adaptive poll planner, the shortage episode and the scan schedule — no I/O, no clock, no allocation —
/// so the engine can run hundreds of scopes on one thread and the rules are tested without a kernel.
/// <para>
/// Rules (the single-scope daemon's, unchanged): memory and swap must both be low to act; one victim at
/// a time — while one is being waited for, nothing else is chosen, and the next decision is made on a
/// fresh reading after it exited; a SIGTERMed victim gets SIGKILL when the kill level is reached or
/// <see cref="StepSettings.KillGraceMs"/> ends; a SIGKILLed victim that has not exited within
/// <see cref="StepSettings.ExitTimeoutMs"/> is given up on; when nothing could be done the step waits
/// <see cref="StepSettings.RetryMs"/> rather than spin; a dry run decides once per shortage.
/// </para>
/// </summary>
public sealed partial class ScopeStep
{
    private PollPlanner _planner;
    private bool _dryRunDecided;
    private long _retryAtMs = long.MinValue;
    private long _nextScanMs;
    private long _lastScanMs = long.MinValue / 2;

    public ScopeStep(StepSettings settings)
    {
        Settings = settings;
        _planner = new PollPlanner(settings.PollMinMs, settings.PollMaxMs, settings.AssumedKiBPerMs);
    }

    public StepSettings Settings { get; }

    /// <summary>A level has been crossed and memory has not recovered since.</summary>
    public bool InEpisode { get; private set; }

    /// <summary>
    /// What in the configured levels does not fit the latest reading's size (a cgroup limit lowered under
    /// the daemon); those levels act at <see cref="Thresholds.Fallback"/> until they fit again. The engine
    /// warns when this changes.
    /// </summary>
    public LevelProblems LevelMisfit { get; private set; }

    /// <summary>The fill rate the poll planner has observed (KiB per millisecond).</summary>
    public double ObservedKiBPerMs => _planner.ObservedKiBPerMs;

    /// <summary>Decides on one reading.</summary>
    public ScopeDecision Step(in ScopeInput input)
    {
        long now = input.NowMs;
        MemorySample sample = input.Memory;
        ResolvedThresholds levels = Settings.Thresholds.Resolve(in sample, out LevelProblems misfit);
        LevelMisfit = misfit;
        PressureLevel level = levels.Evaluate(in sample, out long thresholdKiB);

        // Other criteria (a memory stall window) may raise the level here; see ScopeStep.*.cs.
        RaiseLevel(in input, levels, ref level, ref thresholdKiB);

        if (input.Victim.Active)
        {
            return Following(input.Victim, level, thresholdKiB, levels, now);
        }

        if (level != PressureLevel.None)
        {
            bool started = !InEpisode;
            InEpisode = true;
            if (Settings.DryRun && _dryRunDecided)
            {
                // A dry run decides once per shortage; the memory is not going anywhere.
                return new ScopeDecision(ScopeAction.None, level, thresholdKiB, levels, now + (long)Math.Ceiling(Math.Max(Settings.PollMinMs, Settings.RetryMs)), Settings.PollMinMs, false, started);
            }

            if (now < _retryAtMs)
            {
                return new ScopeDecision(ScopeAction.None, level, thresholdKiB, levels, _retryAtMs, Settings.PollMinMs, false, started);
            }

            ScopeAction act = level == PressureLevel.Kill ? ScopeAction.ActKill : ScopeAction.ActTerm;
            return new ScopeDecision(act, level, thresholdKiB, levels, now, Settings.PollMinMs, false, started);
        }

        InEpisode = false;
        _dryRunDecided = false;
        // The planner sees the distance to acting (memory, or swap while swap is still free), as if it were memory.
        double sleepMs = _planner.Next(levels.TermKiB + levels.HeadroomKiB(in sample), levels.TermKiB, now);
        bool plentiful = sleepMs >= Settings.PollMaxMs;
        long scanInterval = plentiful ? Settings.IdleScanIntervalMs : input.CoveredByWakeup ? Settings.CoveredScanIntervalMs : Settings.ScanIntervalMs;
        bool scanDue = now >= _nextScanMs || (!plentiful && now - _lastScanMs >= scanInterval);
        if (scanDue)
        {
            // The engine scans every scope whose step asks, in the same round. Scan times fall on whole scan
            // intervals, so scopes that sleep until their next scan wake together: one round, one wake-up.
            _lastScanMs = now;
            _nextScanMs = AlignUp(now + scanInterval);
        }

        long wake = now + (long)Math.Ceiling(sleepMs);
        if (input.CoveredByWakeup)
        {
            // The kernel wakes us before the level can be reached: no need to poll, only to wake for the next
            // scan — and at least every longest poll (on a whole interval too, so scopes wake together), so a
            // limit changed meanwhile is seen and the wake-up armed again.
            long cap = now + (long)Math.Ceiling(Settings.PollMaxMs);
            long aligned = cap / Math.Max(1, Settings.ScanIntervalMs) * Math.Max(1, Settings.ScanIntervalMs);
            if (aligned > now)
            {
                cap = aligned;
            }

            wake = Math.Max(wake, Math.Min(plentiful ? long.MaxValue : _nextScanMs, cap));
            sleepMs = wake - now;
        }

        return new ScopeDecision(ScopeAction.None, PressureLevel.None, thresholdKiB, levels, wake, sleepMs, scanDue, false);
    }

    private long AlignUp(long ms)
    {
        long interval = Math.Max(1, Settings.ScanIntervalMs);
        return (ms + interval - 1) / interval * interval;
    }

    /// <summary>
    /// Tells the step how acting on its <see cref="ScopeAction.ActTerm"/>/<see cref="ScopeAction.ActKill"/>
    /// ended; returns when it wants to be called next.
    /// </summary>
    public long Acted(ActOutcome outcome, long nowMs)
    {
        switch (outcome)
        {
            case ActOutcome.Signalled:
                // The act scanned afresh; scan again once the shortage is over.
                _nextScanMs = 0;
                return nowMs + Settings.VictimPollMs;
            case ActOutcome.Vanished:
                return nowMs;
            case ActOutcome.DryRun:
                _dryRunDecided = true;
                _nextScanMs = 0;
                return nowMs + (long)Math.Ceiling(Math.Max(Settings.PollMinMs, Settings.RetryMs));
            default:
                // Nothing more can be done right now; do not spin. The kernel remains the last resort.
                _retryAtMs = nowMs + Settings.RetryMs;
                return _retryAtMs;
        }
    }

    /// <summary>When the scope's memory cannot be read: try again after the longest poll.</summary>
    public long Unreadable(long nowMs) => nowMs + (long)Math.Ceiling(Settings.PollMaxMs);

    private ScopeDecision Following(VictimProgress victim, PressureLevel level, long thresholdKiB, ResolvedThresholds levels, long now)
    {
        long wake = now + Settings.VictimPollMs;
        if (!victim.KillSent)
        {
            long graceEnd = victim.SignalledAtMs + Settings.KillGraceMs;
            if (level == PressureLevel.Kill || now >= graceEnd)
            {
                PressureLevel why = level == PressureLevel.Kill ? PressureLevel.Kill : PressureLevel.Terminate;
                return new ScopeDecision(ScopeAction.Escalate, why, why == PressureLevel.Kill ? levels.KillKiB : thresholdKiB, levels, wake, Settings.VictimPollMs, false, false);
            }

            return new ScopeDecision(ScopeAction.None, level, thresholdKiB, levels, Math.Min(wake, graceEnd), Settings.VictimPollMs, false, false);
        }

        long giveUp = victim.KillSentAtMs + Settings.ExitTimeoutMs;
        if (now >= giveUp)
        {
            _retryAtMs = now + Settings.RetryMs;
            return new ScopeDecision(ScopeAction.Abandon, level, thresholdKiB, levels, _retryAtMs, Settings.VictimPollMs, false, false);
        }

        return new ScopeDecision(ScopeAction.None, level, thresholdKiB, levels, Math.Min(wake, giveUp), Settings.VictimPollMs, false, false);
    }

    /// <summary>
    /// The extension point for criteria other than the memory levels: an implementation (in a partial file
    /// of its own) may raise <paramref name="level"/> from what its part of <paramref name="input"/> shows,
    /// setting <paramref name="thresholdKiB"/> to the level it reports. Without one, the memory levels decide.
    /// </summary>
    partial void RaiseLevel(in ScopeInput input, ResolvedThresholds levels, ref PressureLevel level, ref long thresholdKiB);
}
