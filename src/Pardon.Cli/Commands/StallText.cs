// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Core;
using Pardon.Daemon;

namespace Pardon.Cli.Commands;

/// <summary>A scope's memory stall in words, for `pardon status` and `pardon top`.</summary>
internal static class StallText
{
    /// <summary>
    /// "stall: 12.5 % of the last 10 s (full), criterion 40 %, sustained 2 s (building); avg10 8.1 %, avg60 2 %; from PATH",
    /// or "stall: criterion off".
    /// </summary>
    public static string Describe(StallStatus? s)
    {
        if (s is null)
        {
            return "stall: not measured yet";
        }

        string averages = string.Create(CultureInfo.InvariantCulture, $"avg10 {s.Avg10:0.#} %, avg60 {s.Avg60:0.#} %");
        if (s.AbovePercent is not double above)
        {
            return s.Source is null ? "stall: criterion off" : $"stall: criterion off; {averages}; from {s.Source}";
        }

        string window = s.Covered ? Units.FormatDuration(s.WindowMs) : "readings so far";
        return string.Create(CultureInfo.InvariantCulture,
            $"stall: {s.Percent:0.#} % of the last {window} ({s.Kind}), criterion {above:0.##} % over {Units.FormatDuration(s.WindowMs)}, sustained {Units.FormatDuration(s.SustainedMs)} ({s.Phase}); {averages}; kills for it: {s.Kills}; from {s.Source}");
    }

    /// <summary>"stall: avg10 8.1 %, avg60 2 % (full, from PATH); criterion 40 % over 10 s", for `pardon rank`.</summary>
    public static string Describe(Daemon.Reports.StallReport s)
    {
        if (s.Source is null)
        {
            return $"stall: not measured ({s.Problem})";
        }

        string criterion = s.AbovePercent is double above
            ? string.Create(CultureInfo.InvariantCulture, $"criterion {above:0.##} % over {Units.FormatDuration(s.WindowMs)} (pardon status or top show the share over that window)")
            : "the stall criterion is off";
        return string.Create(CultureInfo.InvariantCulture, $"stall: avg10 {s.Avg10:0.#} %, avg60 {s.Avg60:0.#} % ({s.Kind}, from {s.Source}); {criterion}");
    }
}
