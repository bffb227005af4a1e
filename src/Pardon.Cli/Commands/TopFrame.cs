// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text;
using Pardon.Core;
using Pardon.Daemon.Reports;

namespace Pardon.Cli.Commands;

/// <summary>
/// Lays out one frame of `pardon top` as lines: a header (scope, memory and a bar, the levels, both victims)
/// and as many candidates as the screen has rows, in Pardon's order. Pure: the terminal handling is
/// <see cref="TopScreen"/>'s, so a frame can be checked as text.
/// </summary>
internal static class TopFrame
{
    /// <summary>Candidates listed when there is no terminal to fill (redirected output).</summary>
    public const int DefaultRows = 20;

    private const int BarWidth = 28;

    // SGR (ECMA-48 section 8.3.117): bold, reverse video, red, green, yellow, reset.
    private const string Bold = "\e[1m";
    private const string Reverse = "\e[7m";
    private const string Red = "\e[31m";
    private const string Green = "\e[32m";
    private const string Yellow = "\e[33m";
    private const string Reset = "\e[0m";

    private static readonly string[] s_columns = ["", "PID", "USER", "NAME", "RSS", "GROWTH", "ADJ", "OOM_SCORE", "SCORE", "NOTES"];

    /// <param name="width">Columns to fit, or 0 for no limit.</param>
    /// <param name="height">Rows to fit, or 0 for no terminal (then <see cref="DefaultRows"/> candidates).</param>
    /// <param name="color">Whether to use ANSI colours (a terminal only).</param>
    public static List<string> Render(TopSnapshot s, int width, int height, bool color)
    {
        RankReport report = s.Report;
        var lines = new List<string>();
        string interval = Units.FormatDuration((long)s.Interval.TotalMilliseconds);
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"{Paint(Bold, "pardon top", color)}: {ScopeText(report.Scope)}; {s.Time:HH:mm:ss}, every {interval}{(height > 0 ? "; q quits" : "")}"));
        if (report.Memory is { } m)
        {
            double percent = m.TotalKiB > 0 ? m.AvailableKiB * 100.0 / m.TotalKiB : 0;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"memory  {Bar(m, s.Levels, s.Pressure, color)} {percent:0.#}% available: {Units.FormatKiB(m.AvailableKiB)} of {Units.FormatKiB(m.TotalKiB)}"));
            lines.Add(m.SwapTotalKiB > 0
                ? $"swap    {Units.FormatKiB(m.SwapFreeKiB)} free of {Units.FormatKiB(m.SwapTotalKiB)}"
                : "swap    none");
        }
        else
        {
            lines.Add("memory  cannot be read (was the cgroup removed?)");
        }

        if (s.Levels is ResolvedThresholds levels)
        {
            string state = s.Pressure switch
            {
                PressureLevel.Kill => Paint(Red + Bold, "SIGKILL level reached", color),
                PressureLevel.Terminate => Paint(Yellow + Bold, "SIGTERM level reached", color),
                _ => Paint(Green, "ok", color),
            };
            // The state first: on a narrow terminal the end of a line is what gets cut.
            lines.Add($"levels  now {state}; SIGTERM at {Units.FormatKiB(levels.TermKiB)} ({s.Thresholds.TermBelow}), SIGKILL at {Units.FormatKiB(levels.KillKiB)} ({s.Thresholds.KillBelow})");
        }

        if (s.Stall is string stall)
        {
            lines.Add(stall);
        }

        lines.Add("kernel would kill: " + Who(report, report.KernelVictim) +
            (report.KernelVictimTies.Count > 0 ? $" (a tie with {string.Join(", ", report.KernelVictimTies)})" : ""));
        lines.Add("Pardon would kill: " + RankTable.Forecast(s.Levels is not null && s.Pressure == PressureLevel.None, Who(report, report.Victim), report.Victim is not null));
        if (report.Forecast is { } forecast)
        {
            lines.Add("forecast: " + forecast.Summary);
        }
        if (s.DaemonNote is not null)
        {
            lines.Add(s.DaemonNote);
        }

        lines.Add("");

        // The rows that fit: the header so far, the column titles, and one line kept for "N more".
        int room = height > 0 ? Math.Max(height - lines.Count - 2, 1) : DefaultRows;
        int shown = Math.Min(room, report.Processes.Count);
        var rows = new List<string[]> { s_columns };
        for (int i = 0; i < shown; i++)
        {
            rows.Add(Row(report, report.Processes[i]));
        }

        List<string> table = Align(rows);
        lines.Add(Paint(Reverse, width > 0 ? table[0].PadRight(width) : table[0], color));
        lines.AddRange(table.Skip(1));
        if (shown < report.Processes.Count)
        {
            int more = report.Processes.Count - shown;
            lines.Add($"... {more} more; `pardon rank` lists them all");
        }

        if (width > 0)
        {
            for (int i = 0; i < lines.Count; i++)
            {
                lines[i] = Fit(lines[i], width);
            }
        }

        return lines;
    }

    /// <summary>Columns padded to their widest cell; numbers right-aligned, as in `pardon rank`.</summary>
    private static List<string> Align(List<string[]> rows)
    {
        int[] widths = new int[s_columns.Length];
        foreach (string[] row in rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var lines = new List<string>(rows.Count);
        var line = new StringBuilder();
        foreach (string[] row in rows)
        {
            line.Clear();
            for (int i = 0; i < row.Length; i++)
            {
                bool right = i is 1 or 4 or 5 or 6 or 7 or 8;
                line.Append(right ? row[i].PadLeft(widths[i]) : row[i].PadRight(widths[i]));
                if (i < row.Length - 1)
                {
                    line.Append("  ");
                }
            }

            lines.Add(line.ToString().TrimEnd());
        }

        return lines;
    }

    private static string ScopeText(ScopeReport scope) => scope.Kind == "system"
        ? "system"
        : $"cgroup {scope.Path} (v{scope.CgroupVersion}" + (scope.LimitBytes is long limit ? $", limit {Units.FormatKiB(limit / 1024)}" : ", no memory limit") + ")";

    /// <summary>
    /// Available memory as a bar of '#', with the SIGTERM and SIGKILL levels marked 'T' and 'K' where they fall:
    /// as memory runs short the '#' recede towards them.
    /// </summary>
    private static string Bar(MemoryReport m, ResolvedThresholds? levels, PressureLevel pressure, bool color)
    {
        char[] bar = new char[BarWidth];
        int filled = Cells(m.AvailableKiB, m.TotalKiB);
        for (int i = 0; i < BarWidth; i++)
        {
            bar[i] = i < filled ? '#' : '.';
        }

        if (levels is ResolvedThresholds l)
        {
            bar[Math.Min(Cells(l.TermKiB, m.TotalKiB), BarWidth - 1)] = 'T';
            bar[Math.Min(Cells(l.KillKiB, m.TotalKiB), BarWidth - 1)] = 'K';
        }

        string paint = pressure switch
        {
            PressureLevel.Kill => Red,
            PressureLevel.Terminate => Yellow,
            _ => Green,
        };
        return "[" + Paint(paint, new string(bar), color) + "]";
    }

    private static int Cells(long kib, long totalKiB)
        => totalKiB <= 0 ? 0 : (int)Math.Clamp(Math.Round(kib * (double)BarWidth / totalKiB), 0, BarWidth);

    private static string[] Row(RankReport report, ProcessReport p)
    {
        string marks = (p.Pid == report.KernelVictim ? "K" : " ") + (p.Pid == report.Victim ? "P" : " ");
        string user = p.User ?? p.Uid.ToString(CultureInfo.InvariantCulture);
        return
        [
            marks,
            p.Pid.ToString(CultureInfo.InvariantCulture),
            user.Length > 12 ? user[..11] + "+" : user,
            RankTable.Sanitize(p.Comm),
            Units.FormatKiB(p.RssKiB + p.SwapKiB),
            p.GrowthKiB > 0 ? "+" + Units.FormatKiB(p.GrowthKiB) : "",
            p.OomScoreAdj.ToString(CultureInfo.InvariantCulture),
            p.OomScore.ToString(CultureInfo.InvariantCulture),
            p.Eligible && p.Score is long score ? score.ToString(CultureInfo.InvariantCulture) : "-",
            Notes(p),
        ];
    }

    private static string Notes(ProcessReport p)
    {
        var notes = new List<string>();
        if (p.Container is not null || p.Pod is not null)
        {
            notes.Add(PlacementText.Short(p));
        }

        if (p.Pardoned)
        {
            notes.Add("pardoned");
        }

        if (p.Tier != "normal")
        {
            notes.Add(p.Tier);
        }

        if (p.Unit != "process")
        {
            notes.Add("unit " + p.Unit);
        }

        if (!p.Eligible && !p.Pardoned)
        {
            notes.Add("Pardon itself");
        }

        if (p.SwapKiB > 0)
        {
            notes.Add("swap " + Units.FormatKiB(p.SwapKiB));
        }

        return string.Join(", ", notes);
    }

    private static string Who(RankReport report, int? pid)
    {
        if (pid is not int p)
        {
            return "nobody (no eligible process)";
        }

        ProcessReport? proc = report.Processes.Find(x => x.Pid == p);
        return proc is null
            ? p.ToString(CultureInfo.InvariantCulture)
            : $"{p} ({RankTable.Sanitize(proc.Comm)}), {Units.FormatKiB(proc.RssKiB + proc.SwapKiB)}" + (proc.GrowthKiB > 0 ? $", grew {Units.FormatKiB(proc.GrowthKiB)}" : "");
    }

    private static string Paint(string sgr, string text, bool color) => color ? sgr + text + Reset : text;

    /// <summary>
    /// Cuts a line to <paramref name="width"/> visible columns, not counting SGR sequences (ESC '[' ... 'm'),
    /// so a line never wraps and scrolls the frame. Names are sanitized and the rest is ASCII: one char, one column.
    /// </summary>
    internal static string Fit(string line, int width)
    {
        var sb = new StringBuilder(Math.Min(line.Length, width + 32));
        int visible = 0;
        bool painted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '\e')
            {
                int end = line.IndexOf('m', i);
                end = end < 0 ? line.Length - 1 : end;
                sb.Append(line, i, end - i + 1);
                painted = !line.AsSpan(i, end - i + 1).SequenceEqual(Reset);
                i = end;
                continue;
            }

            if (visible == width)
            {
                // Cut here; a colour left open by the cut is closed so it cannot bleed into the next line.
                if (painted)
                {
                    sb.Append(Reset);
                }

                break;
            }

            sb.Append(c);
            visible++;
        }

        return sb.ToString();
    }
}
