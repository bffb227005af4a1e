// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using Pardon.Core;
using Pardon.Daemon.Reports;

namespace Pardon.Cli.Commands;

/// <summary>The readable form of `pardon rank`.</summary>
internal static class RankTable
{
    public static void Write(TextWriter output, RankReport report, string? daemonNote)
    {
        ScopeReport scope = report.Scope;
        string scopeText = scope.Kind == "system"
            ? "system"
            : $"cgroup {scope.Path} (v{scope.CgroupVersion}" + (scope.LimitBytes is long limit ? $", limit {Units.FormatKiB(limit / 1024)}" + (scope.OomingCgroup != scope.Path ? $" set on {scope.OomingCgroup}" : "") : ", no memory limit") + ")";
        output.WriteLine($"scope: {scopeText}; totalpages {scope.TotalPages} ({Units.FormatPages(scope.TotalPages, scope.PageSize)})");
        if (report.Memory is { } m)
        {
            string swap = m.SwapTotalKiB > 0 ? $", swap free {Units.FormatKiB(m.SwapFreeKiB)} of {Units.FormatKiB(m.SwapTotalKiB)}" : ", no swap";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"available: {Units.FormatKiB(m.AvailableKiB)} of {Units.FormatKiB(m.TotalKiB)} ({(m.TotalKiB > 0 ? m.AvailableKiB * 100.0 / m.TotalKiB : 0):0.#}%){swap}"));
        }

        if (report.Stall is { } stall)
        {
            output.WriteLine(StallText.Describe(stall));
        }

        if (scope.OomingCgroup is string ooming && ooming != scope.Path && scope.Levels is { } levels)
        {
            CgroupLevelReport? own = levels.Find(l => l.Path == scope.Path);
            CgroupLevelReport? anc = levels.Find(l => l.Path == ooming);
            output.WriteLine($"the OOM that strikes first: {ooming}'s ({Headroom(anc)} left; this cgroup: {Headroom(own)}): it scans its whole subtree, so processes outside the scope (marked OUT) are candidates too");
        }

        string kernelLine = "kernel would kill: " + Who(report, report.KernelVictim);
        if (report.KernelVictimTies.Count > 0)
        {
            kernelLine += $" — a tie with {string.Join(", ", report.KernelVictimTies)} (equal badness, in an order the kernel does not show): any of them";
        }

        if (report.KernelVictimCloseCalls.Count > 0)
        {
            kernelLine += $" — a close call with {string.Join(", ", report.KernelVictimCloseCalls)} (reclaim before the OOM may take the victim's mapped file pages, which is more than the difference)";
        }

        if (report.Kernel is { Outcome: not "kill" } k)
        {
            kernelLine = "kernel on OOM: " + k.Outcome.Replace('_', ' ') + (report.KernelVictim is not null ? " (highest badness: " + Who(report, report.KernelVictim) + ")" : "");
        }

        output.WriteLine(kernelLine);
        output.WriteLine("Pardon would kill: " + Forecast(report.Pressure == "none", Who(report, report.Victim), report.Victim is not null));
        if (report.Kernel is { } kernel)
        {
            foreach (string note in kernel.Notes)
            {
                output.WriteLine("note: " + note);
            }
        }

        if (report.Forecast is { } forecast)
        {
            output.WriteLine("forecast: " + forecast.Summary);
        }
        if (daemonNote is not null)
        {
            output.WriteLine(daemonNote);
        }

        output.WriteLine();
        var rows = new List<string[]>
        {
            new[] { "", "PID", "USER", "NAME", "RSS", "SWAP", "ADJ", "OOM_SCORE", "BADNESS", "SCORE", "NOTES" },
        };
        bool where = PlacementText.AnyContainer(report);
        foreach (ProcessReport p in report.Processes)
        {
            string marks = (p.Pid == report.KernelVictim ? "K" : p.Tie ? "k" : " ") + (p.Pid == report.Victim ? "P" : " ");
            rows.Add(
            [
                marks,
                p.Pid.ToString(CultureInfo.InvariantCulture),
                p.User ?? p.Uid.ToString(CultureInfo.InvariantCulture),
                Sanitize(p.Comm),
                Units.FormatKiB(p.RssKiB),
                p.SwapKiB == 0 ? "0" : Units.FormatKiB(p.SwapKiB),
                p.OomScoreAdj.ToString(CultureInfo.InvariantCulture),
                p.OomScore.ToString(CultureInfo.InvariantCulture),
                p.KernelBadness?.ToString(CultureInfo.InvariantCulture) ?? "-",
                p.Eligible && p.Score is long s ? s.ToString(CultureInfo.InvariantCulture) : "-",
                Notes(p),
            ]);
        }

        if (where)
        {
            // On a container host every row says where the process runs (container and QoS class, or unit).
            rows[0] = [.. rows[0][..^1], "WHERE", "NOTES"];
            for (int i = 1; i < rows.Count; i++)
            {
                rows[i] = [.. rows[i][..^1], PlacementText.Short(report.Processes[i - 1]), rows[i][^1]];
            }
        }

        int[] widths = new int[rows[0].Length];
        foreach (string[] row in rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (string[] row in rows)
        {
            var line = new System.Text.StringBuilder();
            for (int i = 0; i < row.Length; i++)
            {
                bool right = i is 1 or 4 or 5 or 6 or 7 or 8 or 9;
                string cell = right ? row[i].PadLeft(widths[i]) : row[i].PadRight(widths[i]);
                line.Append(cell);
                if (i < row.Length - 1)
                {
                    line.Append("  ");
                }
            }

            output.WriteLine(line.ToString().TrimEnd());
        }

        output.WriteLine();
        output.WriteLine("K: the kernel's victim now (k: tied with it).  P: Pardon's victim now.  BADNESS and SCORE are in pages; `pardon explain PID` shows the arithmetic.");
    }

    /// <summary>
    /// With no shortage Pardon kills nobody; the victim shown is a forecast, and says so, so that an idle
    /// machine's first candidate does not read as a process about to die.
    /// </summary>
    internal static string Forecast(bool noShortage, string who, bool anyone)
        => noShortage && anyone ? "nobody: no shortage; if one began now, " + who : who;

    private static string Headroom(CgroupLevelReport? level)
        => level?.HeadroomBytes is long h ? Units.FormatKiB(Math.Max(0, h) / 1024) + (level.LimitBytes is long l ? " of " + Units.FormatKiB(l / 1024) : "") : "no limit";

    private static string Who(RankReport report, int? pid)
    {
        if (pid is not int p)
        {
            return "nobody (no eligible process)";
        }

        ProcessReport? proc = report.Processes.Find(x => x.Pid == p);
        return proc is null ? p.ToString(CultureInfo.InvariantCulture) : $"{p} ({Sanitize(proc.Comm)}), {Units.FormatKiB(proc.RssKiB + proc.SwapKiB)}";
    }

    private static string Notes(ProcessReport p)
    {
        var notes = new List<string>();
        if (p.OutsideScope)
        {
            notes.Add("OUT");
        }

        if (p.MmThread is int tid)
        {
            notes.Add($"main thread exited, via thread {tid}");
        }

        if (p.SigKillPending)
        {
            notes.Add("being killed");
        }

        if (!p.KernelEligible)
        {
            notes.Add(p.Reasons.Count > 0 ? p.Reasons[^1] : "not eligible");
        }
        else
        {
            if (p.Pardoned)
            {
                notes.Add("pardoned");
            }

            if (p.Tier != "normal")
            {
                notes.Add(p.Tier);
            }

            if (p.GrowthKiB > 0)
            {
                notes.Add("grew " + Units.FormatKiB(p.GrowthKiB));
            }

            if (p.Unit != "process")
            {
                notes.Add("unit " + p.Unit);
            }

            if (!p.Eligible && !p.Pardoned && !p.OutsideScope)
            {
                notes.Add("Pardon itself (never chosen)");
            }
        }

        return string.Join(", ", notes);
    }

    /// <summary>A process may name itself anything, newlines and escape sequences included; print it harmlessly.</summary>
    internal static string Sanitize(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length);
        foreach (char c in name)
        {
            if (char.IsControl(c))
            {
                sb.Append(c == '\n' ? "\\n" : $"\\x{(int)c:x2}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
