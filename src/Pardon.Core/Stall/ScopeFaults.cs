// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Core.Stall;

/// <summary>
/// The scope's own fault counters from memory.stat (v2: pgmajfault, workingset_refault_anon,
/// workingset_refault_file; v1 prints the same names; Documentation/admin-guide/cgroup-v2.rst) or /proc/vmstat
/// for the system. A refault is a page read back soon after reclaim evicted it — the mark of thrashing
/// (mm/workingset.c) — and whether the refaults are anonymous (swap) or file pages says which kind of thrash
/// it is. Counters that a kernel does not print stay -1.
/// </summary>
public readonly record struct ScopeFaults(long AtMs, long MajorFaults, long RefaultAnon, long RefaultFile)
{
    /// <summary>The rates from <paramref name="earlier"/> to this reading, in words: "12k major faults/s, refaults 9.1k/s (96 % anon: swap)".</summary>
    public string DescribeSince(in ScopeFaults earlier)
    {
        long spanMs = AtMs - earlier.AtMs;
        if (spanMs <= 0 || MajorFaults < 0 || earlier.MajorFaults < 0)
        {
            return "";
        }

        double perSecond = 1000.0 / spanMs;
        string text = StallExplanation.Count(Math.Max(0, MajorFaults - earlier.MajorFaults) * perSecond) + " major faults/s";
        if (RefaultAnon >= 0 && RefaultFile >= 0 && earlier.RefaultAnon >= 0 && earlier.RefaultFile >= 0)
        {
            long anon = Math.Max(0, RefaultAnon - earlier.RefaultAnon);
            long file = Math.Max(0, RefaultFile - earlier.RefaultFile);
            if (anon + file > 0)
            {
                double anonShare = 100.0 * anon / (anon + file);
                text += string.Create(CultureInfo.InvariantCulture,
                    $", refaults {StallExplanation.Count((anon + file) * perSecond)}/s ({(anonShare >= 50 ? anonShare : 100 - anonShare):0} % {(anonShare >= 50 ? "anon: swap" : "file: page cache")})");
            }
        }

        return text;
    }
}
