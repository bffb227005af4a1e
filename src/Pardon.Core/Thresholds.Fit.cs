// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Core;

/// <summary>
/// Whether the levels fit a scope of a given size, checked wherever they are resolved. A percentage and a
/// size can only be compared once the scope's size is known, and a cgroup's limit can change under a
/// running daemon, so the check is a pure function of the levels and the size: the daemon refuses to start
/// with levels that do not fit (as earlyoom refuses -m above 99), and the monitor, on every reading, falls
/// back to <see cref="Fallback"/> for a pair that stopped fitting and warns, returning to the configured
/// levels when they fit again.
/// </summary>
public sealed partial record Thresholds
{
    /// <summary>
    /// The levels used for a pair (memory, or swap) that does not fit the scope: Pardon's default levels,
    /// percentages, which fit any size. The embedded default configuration names the same levels (a test
    /// checks it).
    /// </summary>
    public static Thresholds Fallback { get; } = new(
        MemoryLevel.FromPercent(10), MemoryLevel.FromPercent(5), MemoryLevel.FromPercent(10), MemoryLevel.FromPercent(5));

    /// <summary>
    /// Which levels do not fit a scope of <paramref name="totalKiB"/> memory and <paramref name="swapTotalKiB"/>
    /// swap. A memory level must be below the total; the kill level must not be above the terminate level.
    /// Swap levels are checked only when the scope has swap; "100%" of swap is allowed (it means: act on
    /// memory alone), a size above the swap is not. An unknown size (0) is not checked.
    /// </summary>
    public LevelProblems Check(long totalKiB, long swapTotalKiB)
    {
        var problems = LevelProblems.None;
        if (totalKiB > 0)
        {
            long term = TermBelow.ToKiB(totalKiB);
            long kill = KillBelow.ToKiB(totalKiB);
            if (term >= totalKiB)
            {
                problems |= LevelProblems.TermNotBelowTotal;
            }

            if (kill >= totalKiB)
            {
                problems |= LevelProblems.KillNotBelowTotal;
            }

            if (kill > term)
            {
                problems |= LevelProblems.KillAboveTerm;
            }
        }

        if (swapTotalKiB > 0)
        {
            long swapTerm = SwapTermBelow.ToKiB(swapTotalKiB);
            long swapKill = SwapKillBelow.ToKiB(swapTotalKiB);
            if (!FitsSwap(SwapTermBelow, swapTerm, swapTotalKiB))
            {
                problems |= LevelProblems.SwapTermNotBelowTotal;
            }

            if (!FitsSwap(SwapKillBelow, swapKill, swapTotalKiB))
            {
                problems |= LevelProblems.SwapKillNotBelowTotal;
            }

            if (swapKill > swapTerm)
            {
                problems |= LevelProblems.SwapKillAboveSwapTerm;
            }
        }

        return problems;

        static bool FitsSwap(MemoryLevel level, long kib, long total) => level.Percent is double p ? p <= 100 : kib < total;
    }

    /// <summary>
    /// The levels in KiB for a reading (percentages are of the reading's totals), checked: a pair with a problem resolves to <see cref="Fallback"/>'s
    /// levels instead, and <paramref name="problems"/> says which (so the caller can warn when it changes).
    /// Allocation-free: the monitor calls it on every reading.
    /// </summary>
    public ResolvedThresholds Resolve(in MemorySample sample, out LevelProblems problems)
    {
        problems = Check(sample.TotalKiB, sample.SwapTotalKiB);
        Thresholds memory = (problems & LevelProblems.Memory) != 0 ? Fallback : this;
        Thresholds swap = (problems & LevelProblems.Swap) != 0 ? Fallback : this;
        return new ResolvedThresholds(
            memory.TermBelow.ToKiB(sample.TotalKiB),
            memory.KillBelow.ToKiB(sample.TotalKiB),
            swap.SwapTermBelow.ToKiB(sample.SwapTotalKiB),
            swap.SwapKillBelow.ToKiB(sample.SwapTotalKiB));
    }

    /// <summary>The configuration key of a level ("thresholds.term_below"), the default for <see cref="Describe"/>.</summary>
    public static string KeyOf(ThresholdLevel level) => level switch
    {
        ThresholdLevel.Term => "thresholds.term_below",
        ThresholdLevel.Kill => "thresholds.kill_below",
        ThresholdLevel.SwapTerm => "thresholds.swap_term_below",
        _ => "thresholds.swap_kill_below",
    };

    /// <summary>
    /// One sentence on the first of <paramref name="problems"/>, naming the level (by <paramref name="nameOf"/>:
    /// a key or a flag), its value, and the scope's size, e.g. "--term-below 30GiB is not below the
    /// system's total memory (23.5 GiB)". Empty for <see cref="LevelProblems.None"/>.
    /// </summary>
    /// <param name="scope">The scope in words: "the system's", "cgroup /sys/fs/cgroup/memory/app's".</param>
    public string Describe(LevelProblems problems, long totalKiB, long swapTotalKiB, string scope, Func<ThresholdLevel, string>? nameOf = null)
    {
        nameOf ??= KeyOf;
        string Level(ThresholdLevel which, MemoryLevel level, long total)
            => level.Percent is not null ? $"{nameOf(which)} {level} ({Units.FormatKiB(level.ToKiB(total))})" : $"{nameOf(which)} {level}";

        string memory = $"{scope} memory ({Units.FormatKiB(totalKiB)})";
        string swap = $"{scope} swap ({Units.FormatKiB(swapTotalKiB)})";
        if ((problems & LevelProblems.TermNotBelowTotal) != 0)
        {
            return $"{Level(ThresholdLevel.Term, TermBelow, totalKiB)} is not below {memory}: every reading would be a shortage";
        }

        if ((problems & LevelProblems.KillNotBelowTotal) != 0)
        {
            return $"{Level(ThresholdLevel.Kill, KillBelow, totalKiB)} is not below {memory}: every reading would be a shortage";
        }

        if ((problems & LevelProblems.KillAboveTerm) != 0)
        {
            return $"{Level(ThresholdLevel.Kill, KillBelow, totalKiB)} is above {Level(ThresholdLevel.Term, TermBelow, totalKiB)} for {memory}; the kill level must be the lower one";
        }

        if ((problems & LevelProblems.SwapTermNotBelowTotal) != 0)
        {
            return $"{Level(ThresholdLevel.SwapTerm, SwapTermBelow, swapTotalKiB)} is above {swap} (\"100%\" acts on memory alone)";
        }

        if ((problems & LevelProblems.SwapKillNotBelowTotal) != 0)
        {
            return $"{Level(ThresholdLevel.SwapKill, SwapKillBelow, swapTotalKiB)} is above {swap} (\"100%\" acts on memory alone)";
        }

        if ((problems & LevelProblems.SwapKillAboveSwapTerm) != 0)
        {
            return $"{Level(ThresholdLevel.SwapKill, SwapKillBelow, swapTotalKiB)} is above {Level(ThresholdLevel.SwapTerm, SwapTermBelow, swapTotalKiB)} for {swap}; the kill level must be the lower one";
        }

        return "";
    }

    /// <summary>
    /// The warning the monitor emits when the levels stop fitting a scope whose size changed: what does not
    /// fit and the levels used instead until it fits again.
    /// </summary>
    public string DescribeFallback(LevelProblems problems, in MemorySample sample, string scope)
    {
        ResolvedThresholds used = Resolve(in sample, out _);
        string instead = (problems & LevelProblems.Memory) != 0
            ? string.Create(CultureInfo.InvariantCulture, $"acting at {Fallback.TermBelow} and {Fallback.KillBelow} ({Units.FormatKiB(used.TermKiB)} and {Units.FormatKiB(used.KillKiB)}) instead")
            : string.Create(CultureInfo.InvariantCulture, $"using swap levels {Fallback.SwapTermBelow} and {Fallback.SwapKillBelow} instead");
        return $"{Describe(problems, sample.TotalKiB, sample.SwapTotalKiB, scope)}; {instead} until the configured levels fit again";
    }
}
