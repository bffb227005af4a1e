// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.EndToEnd.Tests;

/// <summary>
/// Random but well-posed hog layouts for a memcg OOM: the kernel's choice is never a near-tie, is decided
/// by oom_score_adj (the largest hog is never the victim), and the trigger that tips the cgroup over stays
/// far below every hog.
/// </summary>
public static class VictimScenario
{
    private const int MinMib = 20;
    private const int MaxMib = 70;
    private const int AdjStep = 25;
    private const int MaxAdj = 600;

    /// <summary>MiB the processes themselves cost the cgroup beyond their allocations (page tables, stacks, libc data).</summary>
    private const int OverheadMib = 2;

    /// <summary>How far the hogs' total stays under the limit, so they fit without an OOM of their own.</summary>
    private const int HeadroomMib = 12;

    /// <summary>How far below the smallest hog's badness the trigger must stay when the kernel chooses.</summary>
    private const int TriggerMarginMib = 10;

    /// <summary>The least gap between any two hogs' badness, and between the victim and the runner-up.</summary>
    private const int GapMib = 2;
    private const int VictimGapMib = 4;

    public static HogPlan[] Plan(Random random, int limitMib, long pageSize)
    {
        long pagesPerMib = (1L << 20) / pageSize;
        long adjUnit = limitMib * pagesPerMib / 1000; // totalpages / 1000, the weight of one point of oom_score_adj
        for (int attempt = 0; attempt < 100_000; attempt++)
        {
            int n = random.Next(3, 6);
            int[] sizes = Enumerable.Range(MinMib, MaxMib - MinMib + 1).OrderBy(_ => random.Next()).Take(n).ToArray();
            int[] adjs = Enumerable.Range(0, n).Select(_ => random.Next(0, (MaxAdj / AdjStep) + 1) * AdjStep).ToArray();
            long[] badness = sizes.Zip(adjs, (s, a) => (s * pagesPerMib) + (a * adjUnit)).ToArray();

            int total = sizes.Sum();
            int room = limitMib - total - OverheadMib;
            if (total > limitMib - HeadroomMib || badness.Min() < (room + TriggerMarginMib) * pagesPerMib)
            {
                continue;
            }

            long[] sorted = [.. badness.Order()];
            bool closePair = sorted.Zip(sorted.Skip(1), (a, b) => b - a).Any(d => d < GapMib * pagesPerMib);
            int victim = Array.IndexOf(badness, sorted[^1]);
            int largest = Array.IndexOf(sizes, sizes.Max());
            if (closePair || sorted[^1] - sorted[^2] < VictimGapMib * pagesPerMib || victim == largest)
            {
                continue;
            }

            return [.. sizes.Select((s, i) => new HogPlan(s, adjs[i], badness[i], i == victim))];
        }

        throw new InvalidOperationException("no well-posed hog layout found; the constraints are too tight");
    }
}
