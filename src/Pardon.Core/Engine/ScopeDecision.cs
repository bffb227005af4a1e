// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Engine;

/// <summary>What a scope's step decided on one reading.</summary>
/// <param name="Action">What to do now.</param>
/// <param name="Level">The level the reading has reached (for <see cref="ScopeAction.Escalate"/>: Kill when the kill level caused it, otherwise the grace ended).</param>
/// <param name="ThresholdKiB">The level crossed, in KiB (the terminate level when none was).</param>
/// <param name="Levels">The scope's levels for this reading's size.</param>
/// <param name="WakeAtMs">When the step wants to be called again (boot clock, ms), unless a wake-up descriptor fires first.</param>
/// <param name="SleepMs">The adaptive poll interval chosen (what status shows as the poll interval).</param>
/// <param name="ScanDue">The scope's processes should be scanned (growth history, pardon ceilings) in this round.</param>
/// <param name="EpisodeStarted">This reading began a shortage (the engine stamps its pressure event).</param>
public readonly record struct ScopeDecision(
    ScopeAction Action,
    PressureLevel Level,
    long ThresholdKiB,
    ResolvedThresholds Levels,
    long WakeAtMs,
    double SleepMs,
    bool ScanDue,
    bool EpisodeStarted);
