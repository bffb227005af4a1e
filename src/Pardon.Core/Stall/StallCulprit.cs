// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Stall;

/// <summary>
/// The victim of a stall kill: the process causing the stall, not the largest. A scope stalls because the
/// kernel must keep finding room — reclaiming and refaulting — and the process that makes it do so is the one
/// that keeps asking for pages: faulting them back from swap or from its files (major faults), or taking new
/// ones (growth). So, among the candidates Pardon may kill at all (the same exclusions as ever: the kernel's
/// ineligible, Pardon itself, pardoned processes), the order is:
///   1. tier, as always: preferred, then ordinary, then protected (only when nothing else is left);
///   2. demand: pages per second the process made the kernel find (<see cref="FaultRates.DemandPagesPerSecond"/>);
///   3. Pardon's usual order (<see cref="VictimSelector.Compare"/>) — which alone decides when nobody shows
///      any demand (the stall comes from outside the candidates' sight, e.g. the kernel's own work).
/// A process the reclaim merely takes pages from (swap-out) is a bystander, not a culprit: it does not count.
/// </summary>
public static class StallCulprit
{
    /// <summary>
    /// Demand below this (pages per second; 64 KiB/s with 4 KiB pages) is noise — a page of a shared library
    /// read back now and then — and counts as none, so it cannot outrank Pardon's usual order.
    /// </summary>
    public const double MinDemandPagesPerSecond = 16;

    /// <summary>
    /// Index into <paramref name="ranking"/> of the stall's culprit, or -1 when no candidate is eligible.
    /// <paramref name="windowMs"/> bounds how far back the rates look (the criterion's window).
    /// </summary>
    public static int Choose(Ranking ranking, long windowMs)
    {
        ReadOnlySpan<Evaluation> items = ranking.Items;
        int best = -1;
        double bestDemand = 0;
        for (int i = 0; i < items.Length; i++)
        {
            if (!items[i].Eligible)
            {
                continue;
            }

            double demand = Demand(items[i].Process, windowMs);
            if (best < 0 || Compare(in items[i], demand, in items[best], bestDemand) > 0)
            {
                best = i;
                bestDemand = demand;
            }
        }

        return best;
    }

    /// <summary>Eligible candidates in the stall order, the culprit first (for the kill event's candidate list).</summary>
    public static int[] CandidatesInOrder(Ranking ranking, long windowMs)
    {
        var list = new List<(int Index, double Demand)>();
        ReadOnlySpan<Evaluation> items = ranking.Items;
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i].Eligible)
            {
                list.Add((i, Demand(items[i].Process, windowMs)));
            }
        }

        list.Sort((a, b) => Compare(in ranking[b.Index], b.Demand, in ranking[a.Index], a.Demand));
        return list.ConvertAll(x => x.Index).ToArray();
    }

    /// <summary>The demand that counts for the order: <see cref="FaultRates.DemandPagesPerSecond"/>, or 0 below the noise floor.</summary>
    public static double Demand(ProcessFacts process, long windowMs)
    {
        double demand = process.Faults.Rates(windowMs).DemandPagesPerSecond;
        return demand >= MinDemandPagesPerSecond ? demand : 0;
    }

    /// <summary>Positive when <paramref name="a"/> should die before <paramref name="b"/> for a stall.</summary>
    public static int Compare(in Evaluation a, double aDemand, in Evaluation b, double bDemand)
    {
        int c = ((int)a.Tier).CompareTo((int)b.Tier);
        if (c != 0)
        {
            return c;
        }

        c = aDemand.CompareTo(bDemand);
        return c != 0 ? c : VictimSelector.Compare(in a, in b);
    }
}
