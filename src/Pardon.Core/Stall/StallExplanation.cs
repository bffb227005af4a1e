// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Core.Stall;

/// <summary>The words of stall events: "memory stalled 62 % of the last 10 s; pid 41 (thrasher): 41k major faults/s, 380 MiB in swap".</summary>
public static class StallExplanation
{
    /// <summary>The stall against the criterion: "memory stalled 62 % of the last 10 s (full; at least 20 % of every second of it)".</summary>
    public static string Describe(StallSettings settings, in StallReading reading)
    {
        string window = Units.FormatDuration(reading.Covered ? settings.ForMs : reading.SpanMs);
        string text = Invariant($"memory stalled {Percent(reading.SharePercent)} of the last {window} ({settings.KindText}");
        if (reading.Covered)
        {
            string slice = Units.FormatDuration(settings.ForMs / StallCriterion.Slices);
            text += Invariant($"; at least {Percent(reading.WeakestSlicePercent)} of every {slice} of it");
        }

        return text + ")";
    }

    /// <summary>How close the scope is: "stall 35 % of 40 % over 10 s, sustained 6 s".</summary>
    public static string Progress(StallSettings settings, in StallReading reading)
    {
        if (!settings.Enabled)
        {
            return "stall criterion off";
        }

        return Invariant($"stall {Percent(reading.SharePercent)} of {settings.AboveText} over {Units.FormatDuration(settings.ForMs)} ({settings.KindText}), sustained {Units.FormatDuration(reading.SustainedMs)}");
    }

    /// <summary>The culprit's figures: "pid 41 (thrasher): 41k major faults/s, 380 MiB in swap (in 120 MiB/s, out 118 MiB/s)".</summary>
    public static string DescribeCulprit(ProcessFacts process, in FaultRates rates, long pageSize)
    {
        long kibPerPage = pageSize / 1024;
        var parts = new List<string>(4)
        {
            Invariant($"{Count(rates.MajorFaultsPerSecond)} major faults/s"),
        };
        if (rates.SwapPages > 0 || rates.SwapInPagesPerSecond > 0 || rates.SwapOutPagesPerSecond > 0)
        {
            string swap = Invariant($"{Units.FormatKiB(rates.SwapPages * kibPerPage)} in swap");
            if (rates.SwapInPagesPerSecond > 0 || rates.SwapOutPagesPerSecond > 0)
            {
                swap += Invariant($" (in {PerSecond(rates.SwapInPagesPerSecond, kibPerPage)}, out {PerSecond(rates.SwapOutPagesPerSecond, kibPerPage)})");
            }

            parts.Add(swap);
        }

        if (rates.GrowthPagesPerSecond >= StallCulprit.MinDemandPagesPerSecond)
        {
            parts.Add(Invariant($"growing {PerSecond(rates.GrowthPagesPerSecond, kibPerPage)}"));
        }

        return Invariant($"pid {process.Pid} ({process.Comm}): {string.Join(", ", parts)}");
    }

    /// <summary>"850", "41k", "1.2M".</summary>
    public static string Count(double value)
    {
        double v = Math.Max(0, value);
        return v < 1000 ? Invariant($"{v:0}")
            : v < 10_000 ? Invariant($"{v / 1000:0.#}k")
            : v < 1_000_000 ? Invariant($"{v / 1000:0}k")
            : Invariant($"{v / 1_000_000:0.#}M");
    }

    /// <summary>"62 %".</summary>
    public static string Percent(double percent) => Invariant($"{percent:0.#} %");

    private static string PerSecond(double pagesPerSecond, long kibPerPage) => Units.FormatKiB((long)(pagesPerSecond * kibPerPage)) + "/s";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
