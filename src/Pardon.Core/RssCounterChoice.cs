// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Core;

/// <summary>
/// Chooses the rss counter (<see cref="RssCounter"/>) that reproduces the running kernel's oom_badness(). The
/// evidence is the kernel's own: for a process whose approximate and precise rss give different
/// /proc/PID/oom_score values, the score the kernel shows names the counter it read. Such processes are rare
/// on a small machine (the counters differ by tens of pages; a score step is 1.5 ‰ of RAM + swap) and common on
/// a large one (the gap grows with the CPU count), which is where the choice matters. Without evidence the
/// kernel version decides: mainline reads the precise sum from 7.0 on ("mm: fix OOM killer inaccuracy on large
/// many-core systems", 5898aa8f9a0b); a stable kernel that took the backport is only recognised by evidence.
/// </summary>
public sealed class RssCounterChoice
{
    /// <summary>The first mainline release whose oom_badness() reads get_mm_rss_sum().</summary>
    public static readonly (int Major, int Minor) PreciseSince = (7, 0);

    public int ApproximateVotes { get; private set; }

    public int PreciseVotes { get; private set; }

    /// <summary>Processes compared whose two figures gave the same score (no evidence either way).</summary>
    public int Undecided { get; private set; }

    /// <summary>The two predicted oom_score values for one process, or null when they agree (no evidence).</summary>
    public static (long Approximate, long Precise)? Predictions(
        long approximateRss, long preciseRss, long swapPages, long pgTablesBytes, short oomScoreAdj, long systemTotalPages, long pageSize)
    {
        long a = KernelOom.OomScore(KernelOom.Badness(approximateRss, swapPages, pgTablesBytes, oomScoreAdj, systemTotalPages, pageSize), systemTotalPages);
        long p = KernelOom.OomScore(KernelOom.Badness(preciseRss, swapPages, pgTablesBytes, oomScoreAdj, systemTotalPages, pageSize), systemTotalPages);
        return a == p ? null : (a, p);
    }

    /// <summary>
    /// Records one process read consistently (its counters unchanged around the read of its oom_score).
    /// Returns true when it was evidence.
    /// </summary>
    public bool Observe(long approximateRss, long preciseRss, long swapPages, long pgTablesBytes, short oomScoreAdj, long systemTotalPages, long pageSize, long kernelOomScore)
    {
        if (Predictions(approximateRss, preciseRss, swapPages, pgTablesBytes, oomScoreAdj, systemTotalPages, pageSize) is not { } p)
        {
            Undecided++;
            return false;
        }

        if (kernelOomScore == p.Approximate)
        {
            ApproximateVotes++;
        }
        else if (kernelOomScore == p.Precise)
        {
            PreciseVotes++;
        }
        else
        {
            return false; // neither: something else moved; not evidence
        }

        return true;
    }

    /// <summary>The version rule alone.</summary>
    public static RssCounter ByVersion(int major, int minor)
        => (major, minor).CompareTo(PreciseSince) >= 0 ? RssCounter.Precise : RssCounter.Approximate;

    /// <summary>The choice and, in words, why: the evidence when there is any (the majority), else the version.</summary>
    public (RssCounter Counter, string Basis) Decide(int major, int minor)
    {
        string version = string.Create(CultureInfo.InvariantCulture, $"{major}.{minor}");
        if (ApproximateVotes + PreciseVotes == 0)
        {
            RssCounter byVersion = ByVersion(major, minor);
            return (byVersion, byVersion == RssCounter.Precise
                ? $"kernel {version} ≥ 7.0: oom_badness() reads the precise per-CPU sums (no process told the two apart yet)"
                : $"kernel {version} < 7.0: oom_badness() reads the approximate per-CPU counters, as /proc/PID/stat does (no process told the two apart yet; a stable backport of 5898aa8f9a0b would show as evidence)");
        }

        RssCounter counter = PreciseVotes > ApproximateVotes ? RssCounter.Precise : RssCounter.Approximate;
        string which = counter == RssCounter.Precise ? "the precise sums (status/statm)" : "the approximate counters (/proc/PID/stat)";
        return (counter, string.Create(CultureInfo.InvariantCulture,
            $"the kernel's own oom_score matched {which} for {Math.Max(PreciseVotes, ApproximateVotes)} of {PreciseVotes + ApproximateVotes} processes whose two figures differ (kernel {version})"));
    }
}
