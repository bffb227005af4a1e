// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Procfs;

/// <summary>
/// The fields Pardon takes from /proc/PID/status (fs/proc/array.c proc_pid_status(), task_mmu.c
/// task_mem()). Memory figures are in KiB, as the file prints them.
/// </summary>
internal struct ParsedStatus
{
    public Range Name;        // escaped by the kernel: '\n' and '\\' appear as "\n" and "\\"
    public char State;
    public int Tgid;
    public int PPid;
    public uint Uid;          // the real uid: first of "Uid:\treal\teffective\tsaved\tfs"
    public long VmRSS;
    public long RssAnon;
    public long RssFile;
    public long RssShmem;
    public long VmSwap;
    public long VmPTE;
    public long Threads;

    /// <summary>1 or 0 from the "Kthread:" line (Linux 6.1+), or -1 when the kernel does not print it.</summary>
    public int Kthread;

    /// <summary>SIGKILL in SigPnd or ShdPnd: the task is being killed.</summary>
    public bool SigKillPending;

    /// <summary>True when the task has an mm: task_mem() prints the Vm*/Rss* lines only then.</summary>
    public bool HasMm;
}
