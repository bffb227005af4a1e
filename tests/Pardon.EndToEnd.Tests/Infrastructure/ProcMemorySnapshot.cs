// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.EndToEnd.Tests.Infrastructure;

/// <summary>
/// What the kernel's badness of one process depends on, read straight from /proc: two equal snapshots
/// taken around a measurement mean the process's memory did not move while it was measured.
/// </summary>
/// <param name="StartTime">Field 22 of stat: with the pid it names one process for life (a recycled pid differs).</param>
/// <param name="Statm">/proc/PID/statm as read.</param>
/// <param name="VmSwap">The VmSwap line of status ("" for kernel threads).</param>
/// <param name="VmPte">The VmPTE line of status.</param>
/// <param name="OomScoreAdj">/proc/PID/oom_score_adj as read.</param>
/// <param name="IsKernelThread">PF_KTHREAD is set in stat's flags.</param>
public sealed record ProcMemorySnapshot(ulong StartTime, string Statm, string VmSwap, string VmPte, string OomScoreAdj, bool IsKernelThread)
{
    private const uint PF_KTHREAD = 0x00200000;

    /// <summary>Every process in /proc that could be read in full.</summary>
    public static Dictionary<int, ProcMemorySnapshot> TakeAll()
    {
        var result = new Dictionary<int, ProcMemorySnapshot>();
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) &&
                TryTake(pid) is { } snapshot)
            {
                result[pid] = snapshot;
            }
        }

        return result;
    }

    /// <summary>A snapshot of <paramref name="pid"/>, or null when it exited (or vanished mid-read).</summary>
    public static ProcMemorySnapshot? TryTake(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            uint flags = uint.Parse(fields[9 - 3], CultureInfo.InvariantCulture);     // (9) flags
            ulong start = ulong.Parse(fields[22 - 3], CultureInfo.InvariantCulture);  // (22) starttime
            string statm = File.ReadAllText($"/proc/{pid}/statm");
            string swap = "";
            string pte = "";
            foreach (string line in File.ReadAllLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmSwap:", StringComparison.Ordinal))
                {
                    swap = line;
                }
                else if (line.StartsWith("VmPTE:", StringComparison.Ordinal))
                {
                    pte = line;
                }
            }

            string adj = File.ReadAllText($"/proc/{pid}/oom_score_adj");
            return new ProcMemorySnapshot(start, statm, swap, pte, adj, (flags & PF_KTHREAD) != 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // the process could be gone
        }
    }

    /// <summary>/proc/PID/oom_score, or null when the process is gone.</summary>
    public static long? TryReadOomScore(int pid)
    {
        try
        {
            return long.Parse(File.ReadAllText($"/proc/{pid}/oom_score").Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
