// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Core.Forecast;

/// <summary>
/// Extends the observed rates in straight lines: the scope's available memory falls at its fill rate until
/// Pardon's levels and the kernel's OOM; each process's rss + swap moves at its own rate until then. At the
/// OOM the kernel's selection (select_bad_process(), ties and all) runs on the projected badness; at the
/// terminate level Pardon's order runs on the projected scores. A straight line is all two readings can
/// support; the forecast says so by naming its inputs, and is refreshed with every reading.
/// </summary>
public static class Forecaster
{
    /// <summary>Seconds until <paramref name="availableKiB"/> falls to <paramref name="levelKiB"/>: 0 when already there, null when not falling.</summary>
    public static double? SecondsUntil(long availableKiB, long levelKiB, double fillKiBPerSecond)
    {
        if (availableKiB <= levelKiB)
        {
            return 0;
        }

        if (fillKiBPerSecond <= 0 || double.IsNaN(fillKiBPerSecond))
        {
            return null;
        }

        return (availableKiB - levelKiB) / fillKiBPerSecond;
    }

    public static ScopeForecast Project(ForecastInput input)
    {
        Ranking ranking = input.Ranking;
        double rate = input.Rate.KiBPerSecond;
        double? toTerm = input.TermKiB is long term ? SecondsUntil(input.AvailableKiB, term, rate) : null;
        double? toKill = input.KillKiB is long kill ? SecondsUntil(input.AvailableKiB, kill, rate) : null;
        double? toOom = SecondsUntil(input.OomHeadroomKiB, 0, input.OomFillKiBPerSecond);

        ProcessFacts? kernelVictim = null;
        long kernelBadness = 0;
        var ties = new List<ProcessFacts>();
        if (toOom is double tOom)
        {
            int v = KernelVictimAt(input, tOom, out kernelBadness, ties);
            kernelVictim = v >= 0 ? ranking[v].Process : null;
        }

        ProcessFacts? victim = null;
        if (toTerm is double tTerm)
        {
            int v = PardonVictimAt(input, tTerm);
            victim = v >= 0 ? ranking[v].Process : null;
        }

        return new ScopeForecast
        {
            FillKiBPerSecond = rate,
            Rate = input.Rate,
            SecondsToTerm = toTerm,
            SecondsToKill = toKill,
            SecondsToOom = toOom,
            OomingCgroup = input.OomingCgroup,
            KernelVictimAtOom = kernelVictim,
            KernelVictimBadnessAtOom = kernelBadness,
            KernelVictimTies = ties,
            VictimAtTerm = victim,
            Outcome = input.Outcome,
            Summary = Summarize(input, toTerm, toOom, kernelVictim, ties, victim),
        };
    }

    /// <summary>select_bad_process() over the badness each candidate will have in <paramref name="seconds"/>.</summary>
    private static int KernelVictimAt(ForecastInput input, double seconds, out long badnessAtOom, List<ProcessFacts> ties)
    {
        Ranking ranking = input.Ranking;
        var projected = new long[ranking.Count];
        var processes = new ProcessFacts[ranking.Count];
        for (int i = 0; i < ranking.Count; i++)
        {
            ref Evaluation e = ref ranking[i];
            processes[i] = e.Process;
            bool inScope = input.InOomScope is not { } mask || mask[i];
            projected[i] = !inScope || !e.KernelEligible
                ? KernelOom.Ineligible
                : e.KernelBadness + ProcessGrowthRate.ProjectDelta(e.Process.RssPages + e.Process.SwapPages, input.GrowthPagesPerSecond[i], seconds);
        }

        int victim = KernelOom.SelectVictim(projected);
        badnessAtOom = victim >= 0 ? projected[victim] : 0;
        Span<int> tied = new int[ranking.Count];
        int n = KernelOom.TiesWithVictim(projected, processes, victim, tied);
        for (int k = 0; k < n; k++)
        {
            ties.Add(processes[tied[k]]);
        }

        return victim;
    }

    /// <summary>Pardon's order (<see cref="VictimSelector.Compare"/>) over the scores each candidate will have in <paramref name="seconds"/>.</summary>
    private static int PardonVictimAt(ForecastInput input, double seconds)
    {
        Ranking ranking = input.Ranking;
        int best = -1;
        long bestScore = 0, bestMemory = 0;
        for (int i = 0; i < ranking.Count; i++)
        {
            ref Evaluation e = ref ranking[i];
            if (!e.Eligible)
            {
                continue;
            }

            long memory = e.Process.RssPages + e.Process.SwapPages;
            long delta = ProcessGrowthRate.ProjectDelta(memory, input.GrowthPagesPerSecond[i], seconds);
            long score = e.Score + delta;
            memory += delta;
            if (best < 0 || Before(in e, score, memory, in ranking[best], bestScore, bestMemory))
            {
                best = i;
                bestScore = score;
                bestMemory = memory;
            }
        }

        return best;
    }

    /// <summary>True when <paramref name="a"/> dies before <paramref name="b"/>: tier, score, memory, the younger, the higher pid.</summary>
    private static bool Before(in Evaluation a, long aScore, long aMemory, in Evaluation b, long bScore, long bMemory)
    {
        int c = ((int)a.Tier).CompareTo((int)b.Tier);
        if (c == 0)
        {
            c = aScore.CompareTo(bScore);
        }

        if (c == 0)
        {
            c = aMemory.CompareTo(bMemory);
        }

        if (c == 0)
        {
            c = a.Process.StartTime.CompareTo(b.Process.StartTime);
        }

        if (c == 0)
        {
            c = a.Process.Pid.CompareTo(b.Process.Pid);
        }

        return c > 0;
    }

    private static string Summarize(ForecastInput input, double? toTerm, double? toOom, ProcessFacts? kernelVictim, List<ProcessFacts> ties, ProcessFacts? victim)
    {
        string rate = FormatRate(input.Rate.KiBPerSecond);
        string pardon = input.DaemonRunning ? "Pardon will stop" : "Pardon would stop";
        string oomWhere = input.OomingCgroup is string c ? $"the kernel's OOM in {c}" : "the kernel's OOM";
        string first;
        if (toOom is not double tOom)
        {
            first = input.Rate.KiBPerSecond <= 0
                ? $"memory is not filling ({rate}): no OOM in sight"
                : $"{oomWhere} is not approaching at this rate";
            return toTerm == 0 && input.TermKiB is not null
                ? first + $"; the terminate level is crossed: {pardon} {Name(victim)} now"
                : first;
        }

        first = tOom <= 0 ? $"{oomWhere} is due now (no headroom left)" : $"at {rate} {oomWhere} is {FormatSeconds(tOom)} away";
        string kernel = input.Outcome switch
        {
            KernelOomOutcome.Panic => "the kernel would panic (vm.panic_on_oom)",
            KernelOomOutcome.NoKillDisabled => "it would kill nobody (oom_kill_disable): tasks would wait",
            KernelOomOutcome.KillAllocatingTask => "it would kill the allocating task (vm.oom_kill_allocating_task), whoever that is",
            _ when kernelVictim is null => "it would find nobody to kill",
            _ => $"it would kill {Name(kernelVictim)}" + (ties.Count > 0 ? $" (a tie with {string.Join(", ", ties.Select(Name))}: the kernel's order between them cannot be known)" : ""),
        };

        string ours = toTerm switch
        {
            null => "",
            _ when victim is null => "; Pardon has no candidate",
            0 => $"; {pardon} {Name(victim)} now",
            double t when t < tOom => $"; {pardon} {Name(victim)} in {FormatSeconds(t)}",
            _ => $"; Pardon's terminate level comes later than the OOM, at this rate",
        };

        return first + "; " + kernel + ours;
    }

    private static string Name(ProcessFacts? p) => p is null ? "nobody" : $"{p.Pid} ({p.Comm})";

    public static string FormatRate(double kibPerSecond)
        => Units.FormatKiB((long)Math.Round(Math.Abs(kibPerSecond))) + "/s" + (kibPerSecond < 0 ? " freed" : "");

    public static string FormatSeconds(double seconds)
        => seconds < 10
            ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#} s")
            : Units.FormatDuration((long)Math.Round(seconds * 1000));
}
