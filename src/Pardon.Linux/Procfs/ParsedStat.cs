// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Procfs;

/// <summary>
/// The fields Pardon takes from /proc/PID/stat (proc_pid_stat(5)); numbers follow the man page. The
/// comm is returned as a range of the parsed text so that a steady-state scan allocates nothing.
/// </summary>
internal struct ParsedStat
{
    public int pid;             // (1)
    public Range comm;          // (2), without the parentheses; raw bytes, may hold spaces, ')' or '\n'
    public char state;          // (3)
    public int ppid;            // (4)
    public int pgrp;            // (5)
    public int session;         // (6)
    // (7) tty_nr, (8) tpgid
    public uint flags;          // (9) PF_* flags; PF_KTHREAD marks kernel threads
    // (10) minflt, (11) cminflt
    public ulong majflt;        // (12) faults that needed I/O (a page read from swap or from its file)
    // (13) cmajflt
    public ulong utime;         // (14) clock ticks
    public ulong stime;         // (15) clock ticks
    // (16) cutime ... (19) nice
    public long num_threads;    // (20)
    // (21) itrealvalue
    public ulong starttime;     // (22) clock ticks after boot
    public ulong vsize;         // (23) bytes
    public long rss;            // (24) pages

    /// <summary>include/linux/sched.h: "I am a kernel thread".</summary>
    public const uint PF_KTHREAD = 0x00200000;
}
