// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Text;

namespace Pardon.Linux.Tests;

/// <summary>
/// One /proc/PID directory in a fixture tree, written in the kernel's formats (stat per proc_pid_stat(5),
/// status as task_mem() prints it, statm in pages). Memory figures are KiB, as status shows them.
/// </summary>
internal sealed record FakeProcess(int Pid, string Comm)
{
    public const uint PF_RANDOMIZE = 0x00400000;
    public const uint PF_KTHREAD = 0x00200000;

    public char State { get; init; } = 'S';
    public int Ppid { get; init; } = 1;
    public ulong StartTime { get; init; } = 1000;
    public uint Flags { get; init; } = PF_RANDOMIZE;
    public uint Uid { get; init; } = 1000;
    public long RssAnonKiB { get; init; } = 4000;
    public long RssFileKiB { get; init; } = 1000;
    public long RssShmemKiB { get; init; } = 200;
    public long SwapKiB { get; init; }
    public long PteKiB { get; init; } = 48;
    public long TextPages { get; init; } = 5;
    public short OomScoreAdj { get; init; }
    public string[] Argv { get; init; } = [];
    public string? CgroupFile { get; init; } = "0::/user.slice\n";
    public string? ExeTarget { get; init; }
    public bool HasMm { get; init; } = true;
    public bool KthreadLine { get; init; } = true;

    /// <summary>The Threads: line (signal->nr_threads; a zombie leader still counts itself).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>The ShdPnd: mask in hex (bit 8 = SIGKILL).</summary>
    public string ShdPnd { get; init; } = "0000000000000000";

    /// <summary>Field 24 of stat when it should differ from status's precise sum (the per-CPU counters' approximate total).</summary>
    public long? StatRssPages { get; init; }

    public bool IsKernelThread => (Flags & PF_KTHREAD) != 0;

    public long RssKiB => RssAnonKiB + RssFileKiB + RssShmemKiB;

    public string StatText
    {
        get
        {
            long rssPages = StatRssPages ?? (HasMm ? RssKiB / 4 : 0);
            long vsize = HasMm ? 3_133_440 : 0;
            return $"{Pid} ({Comm}) {State} {Ppid} {Pid} {Pid} 0 -1 {Flags} 114 0 0 0 3 4 0 0 20 0 1 0 {StartTime} {vsize} {rssPages} " +
                "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
        }
    }

    public string StatusText
    {
        get
        {
            var sb = new StringBuilder();
            sb.Append("Name:\t").Append(Comm.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
            sb.Append("Umask:\t0022\n");
            sb.Append("State:\t").Append(State).Append(State == 'Z' ? " (zombie)\n" : " (sleeping)\n");
            sb.Append($"Tgid:\t{Pid}\nNgid:\t0\nPid:\t{Pid}\nPPid:\t{Ppid}\nTracerPid:\t0\n");
            sb.Append($"Uid:\t{Uid}\t{Uid}\t{Uid}\t{Uid}\nGid:\t{Uid}\t{Uid}\t{Uid}\t{Uid}\n");
            sb.Append("FDSize:\t64\nGroups:\t \n");
            if (KthreadLine)
            {
                sb.Append("Kthread:\t").Append(IsKernelThread ? '1' : '0').Append('\n');
            }

            if (HasMm)
            {
                sb.Append($"VmPeak:\t    3060 kB\nVmSize:\t    3060 kB\nVmLck:\t       0 kB\nVmPin:\t       0 kB\n");
                sb.Append($"VmHWM:\t{RssKiB,8} kB\nVmRSS:\t{RssKiB,8} kB\n");
                sb.Append($"RssAnon:\t{RssAnonKiB,8} kB\nRssFile:\t{RssFileKiB,8} kB\nRssShmem:\t{RssShmemKiB,8} kB\n");
                sb.Append($"VmData:\t     360 kB\nVmStk:\t     132 kB\nVmExe:\t      20 kB\nVmLib:\t    1528 kB\n");
                sb.Append($"VmPTE:\t{PteKiB,8} kB\nVmSwap:\t{SwapKiB,8} kB\nHugetlbPages:\t       0 kB\n");
            }

            sb.Append($"Threads:\t{Threads}\nSigQ:\t0/96365\nSigPnd:\t0000000000000000\nShdPnd:\t{ShdPnd}\n");
            return sb.ToString();
        }
    }

    public string StatmText => HasMm
        ? $"765 {RssKiB / 4} {(RssFileKiB + RssShmemKiB) / 4} {TextPages} 0 123 0\n"
        : "0 0 0 0 0 0 0\n";

    /// <summary>Writes the directory (or rewrites its files in place).</summary>
    public void WriteTo(TempTree tree, string procDir = "proc")
    {
        string dir = $"{procDir}/{Pid}";
        tree.Write($"{dir}/stat", StatText);
        tree.Write($"{dir}/status", StatusText);
        tree.Write($"{dir}/statm", StatmText);
        tree.Write($"{dir}/oom_score_adj", $"{OomScoreAdj}\n");
        tree.Write($"{dir}/cmdline", Argv.Length == 0 ? "" : string.Join('\0', Argv) + "\0");
        if (CgroupFile is not null)
        {
            tree.Write($"{dir}/cgroup", CgroupFile);
        }

        if (ExeTarget is not null && !File.Exists(tree.PathOf($"{dir}/exe")))
        {
            tree.Symlink($"{dir}/exe", ExeTarget);
        }
    }
}
