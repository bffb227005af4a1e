// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Tests;

/// <summary>
/// Kernel text captured verbatim with `cat` on this project's machine (Linux 6.18, x86-64, 4 KiB pages,
/// cgroup v1 memory hierarchy). Tests parse these exactly as the kernel printed them.
/// </summary>
internal static class KernelSamples
{
    /// <summary>/proc/PID/stat of `cat` run from a shell.</summary>
    public const string StatCat =
        "12321 (cat) R 12317 12317 5714 0 -1 4194304 114 0 0 0 0 0 0 0 20 0 1 0 149154 3133440 389 18446744073709551615 94157316165632 94157316185513 140731656387152 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94157316201520 94157316203136 94157634125824 140731656391129 140731656391149 140731656391149 140731656392683 0\n";

    /// <summary>/proc/1/stat.</summary>
    public const string StatInit =
        "1 (process_api) S 0 0 0 0 -1 4194560 40278 2041343 0 171 127 317 27585 1973 20 0 13 0 12 43917312 3370 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

    /// <summary>/proc/2/stat: flags 2129984 = 0x208040 include PF_KTHREAD (0x00200000).</summary>
    public const string StatKthreadd =
        "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 12 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

    /// <summary>/proc/PID/stat of a zombie `sleep`.</summary>
    public const string StatZombie =
        "12336 (sleep) Z 12334 12317 5714 0 -1 4227084 96 0 0 0 0 0 0 0 20 0 1 0 149158 0 0 18446744073709551615 0 0 0 0 0 0 0 6 0 1 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

    /// <summary>/proc/PID/statm of `cat`.</summary>
    public const string StatmCat =
        "765 428 400 5 0 123 0\n";

    /// <summary>/proc/PID/statm of a zombie: no mm, all zero.</summary>
    public const string StatmZombie =
        "0 0 0 0 0 0 0\n";

    /// <summary>/proc/PID/status of `cat` (a user process with an mm).</summary>
    public const string StatusCat =
        "Name:\tcat\n" +
        "Umask:\t0022\n" +
        "State:\tR (running)\n" +
        "Tgid:\t12320\n" +
        "Ngid:\t0\n" +
        "Pid:\t12320\n" +
        "PPid:\t12317\n" +
        "TracerPid:\t0\n" +
        "Uid:\t0\t0\t0\t0\n" +
        "Gid:\t0\t0\t0\t0\n" +
        "FDSize:\t256\n" +
        "Groups:\t \n" +
        "NStgid:\t12320\n" +
        "NSpid:\t12320\n" +
        "NSpgid:\t12317\n" +
        "NSsid:\t5714\n" +
        "Kthread:\t0\n" +
        "VmPeak:\t    3060 kB\n" +
        "VmSize:\t    3060 kB\n" +
        "VmLck:\t       0 kB\n" +
        "VmPin:\t       0 kB\n" +
        "VmHWM:\t    1688 kB\n" +
        "VmRSS:\t    1688 kB\n" +
        "RssAnon:\t     116 kB\n" +
        "RssFile:\t    1572 kB\n" +
        "RssShmem:\t       0 kB\n" +
        "VmData:\t     360 kB\n" +
        "VmStk:\t     132 kB\n" +
        "VmExe:\t      20 kB\n" +
        "VmLib:\t    1528 kB\n" +
        "VmPTE:\t      48 kB\n" +
        "VmSwap:\t       0 kB\n" +
        "HugetlbPages:\t       0 kB\n" +
        "CoreDumping:\t0\n" +
        "THP_enabled:\t1\n" +
        "untag_mask:\t0xffffffffffffffff\n" +
        "Threads:\t1\n" +
        "SigQ:\t0/96365\n" +
        "SigPnd:\t0000000000000000\n" +
        "ShdPnd:\t0000000000000000\n" +
        "SigBlk:\t0000000000000000\n" +
        "SigIgn:\t0000000000000000\n" +
        "SigCgt:\t0000000000000000\n" +
        "CapInh:\t0000000000000000\n" +
        "CapPrm:\t000001fffeffffff\n" +
        "CapEff:\t000001fffeffffff\n" +
        "CapBnd:\t000001fffeffffff\n" +
        "CapAmb:\t0000000000000000\n" +
        "NoNewPrivs:\t0\n" +
        "Seccomp:\t0\n" +
        "Seccomp_filters:\t0\n" +
        "Speculation_Store_Bypass:\tthread vulnerable\n" +
        "SpeculationIndirectBranch:\tconditional enabled\n" +
        "Cpus_allowed:\t3\n" +
        "Cpus_allowed_list:\t0-1\n" +
        "Mems_allowed:\t00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000001\n" +
        "Mems_allowed_list:\t0\n" +
        "voluntary_ctxt_switches:\t0\n" +
        "nonvoluntary_ctxt_switches:\t1\n";

    /// <summary>/proc/2/status: a kernel thread, no Vm*/Rss* lines, Kthread: 1.</summary>
    public const string StatusKthreadd =
        "Name:\tkthreadd\n" +
        "Umask:\t0022\n" +
        "State:\tS (sleeping)\n" +
        "Tgid:\t2\n" +
        "Ngid:\t0\n" +
        "Pid:\t2\n" +
        "PPid:\t0\n" +
        "TracerPid:\t0\n" +
        "Uid:\t0\t0\t0\t0\n" +
        "Gid:\t0\t0\t0\t0\n" +
        "FDSize:\t64\n" +
        "Groups:\t \n" +
        "NStgid:\t2\n" +
        "NSpid:\t2\n" +
        "NSpgid:\t0\n" +
        "NSsid:\t0\n" +
        "Kthread:\t1\n" +
        "Threads:\t1\n" +
        "SigQ:\t0/96365\n" +
        "SigPnd:\t0000000000000000\n" +
        "ShdPnd:\t0000000000000000\n" +
        "SigBlk:\t0000000000000000\n" +
        "SigIgn:\tffffffffffffffff\n" +
        "SigCgt:\t0000000000000000\n" +
        "CapInh:\t0000000000000000\n" +
        "CapPrm:\t000001ffffffffff\n" +
        "CapEff:\t000001ffffffffff\n" +
        "CapBnd:\t000001ffffffffff\n" +
        "CapAmb:\t0000000000000000\n" +
        "NoNewPrivs:\t0\n" +
        "Seccomp:\t0\n" +
        "Seccomp_filters:\t0\n" +
        "Speculation_Store_Bypass:\tthread vulnerable\n" +
        "SpeculationIndirectBranch:\tconditional enabled\n" +
        "Cpus_allowed:\t3\n" +
        "Cpus_allowed_list:\t0-1\n" +
        "Mems_allowed:\t00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000001\n" +
        "Mems_allowed_list:\t0\n" +
        "voluntary_ctxt_switches:\t65\n" +
        "nonvoluntary_ctxt_switches:\t0\n";

    /// <summary>/proc/PID/status of a zombie: Kthread: 0 but no mm.</summary>
    public const string StatusZombie =
        "Name:\tsleep\n" +
        "State:\tZ (zombie)\n" +
        "Tgid:\t12336\n" +
        "Ngid:\t0\n" +
        "Pid:\t12336\n" +
        "PPid:\t12334\n" +
        "TracerPid:\t0\n" +
        "Uid:\t0\t0\t0\t0\n" +
        "Gid:\t0\t0\t0\t0\n" +
        "FDSize:\t0\n" +
        "Groups:\t \n" +
        "NStgid:\t12336\n" +
        "NSpid:\t12336\n" +
        "NSpgid:\t12317\n" +
        "NSsid:\t5714\n" +
        "Kthread:\t0\n" +
        "Threads:\t1\n" +
        "SigQ:\t0/96365\n" +
        "SigPnd:\t0000000000000000\n" +
        "ShdPnd:\t0000000000000000\n" +
        "SigBlk:\t0000000000000000\n" +
        "SigIgn:\t0000000000000006\n" +
        "SigCgt:\t0000000000000000\n" +
        "CapInh:\t0000000000000000\n" +
        "CapPrm:\t000001fffeffffff\n" +
        "CapEff:\t000001fffeffffff\n" +
        "CapBnd:\t000001fffeffffff\n" +
        "CapAmb:\t0000000000000000\n" +
        "NoNewPrivs:\t0\n" +
        "Seccomp:\t0\n" +
        "Seccomp_filters:\t0\n" +
        "Speculation_Store_Bypass:\tthread vulnerable\n" +
        "SpeculationIndirectBranch:\tconditional enabled\n" +
        "Cpus_allowed:\t3\n" +
        "Cpus_allowed_list:\t0-1\n" +
        "Mems_allowed:\t00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000001\n" +
        "Mems_allowed_list:\t0\n" +
        "voluntary_ctxt_switches:\t2\n" +
        "nonvoluntary_ctxt_switches:\t0\n";

    /// <summary>/proc/meminfo.</summary>
    public const string MemInfo =
        "MemTotal:       24684096 kB\n" +
        "MemFree:        23827064 kB\n" +
        "MemAvailable:   24097300 kB\n" +
        "Buffers:            2376 kB\n" +
        "Cached:           488704 kB\n" +
        "SwapCached:            0 kB\n" +
        "Active:           237040 kB\n" +
        "Inactive:         374184 kB\n" +
        "Active(anon):       5680 kB\n" +
        "Inactive(anon):   175612 kB\n" +
        "Active(file):     231360 kB\n" +
        "Inactive(file):   198572 kB\n" +
        "Unevictable:       14408 kB\n" +
        "Mlocked:           13520 kB\n" +
        "SwapTotal:             0 kB\n" +
        "SwapFree:              0 kB\n" +
        "Zswap:                 0 kB\n" +
        "Zswapped:              0 kB\n" +
        "Dirty:               468 kB\n" +
        "Writeback:             0 kB\n" +
        "AnonPages:        134772 kB\n" +
        "Mapped:           165128 kB\n" +
        "Shmem:             61148 kB\n" +
        "KReclaimable:      96948 kB\n" +
        "Slab:             122380 kB\n" +
        "SReclaimable:      96948 kB\n" +
        "SUnreclaim:        25432 kB\n" +
        "KernelStack:        2336 kB\n" +
        "PageTables:         3788 kB\n" +
        "SecPageTables:         0 kB\n" +
        "NFS_Unstable:          0 kB\n" +
        "Bounce:                0 kB\n" +
        "WritebackTmp:          0 kB\n" +
        "CommitLimit:    12342048 kB\n" +
        "Committed_AS:     644844 kB\n" +
        "VmallocTotal:   34359738367 kB\n" +
        "VmallocUsed:       15148 kB\n" +
        "VmallocChunk:          0 kB\n" +
        "Percpu:              664 kB\n" +
        "AnonHugePages:         0 kB\n" +
        "ShmemHugePages:        0 kB\n" +
        "ShmemPmdMapped:        0 kB\n" +
        "FileHugePages:         0 kB\n" +
        "FilePmdMapped:         0 kB\n" +
        "Balloon:               0 kB\n" +
        "HugePages_Total:       0\n" +
        "HugePages_Free:        0\n" +
        "HugePages_Rsvd:        0\n" +
        "HugePages_Surp:        0\n" +
        "Hugepagesize:       2048 kB\n" +
        "Hugetlb:               0 kB\n" +
        "DirectMap4k:       26624 kB\n" +
        "DirectMap2M:     2070528 kB\n" +
        "DirectMap1G:    25165824 kB\n";

    /// <summary>/proc/pressure/memory (idle).</summary>
    public const string PressureMemory =
        "some avg10=0.00 avg60=0.00 avg300=0.00 total=621\n" +
        "full avg10=0.00 avg60=0.00 avg300=0.00 total=169\n";

    /// <summary>/proc/pressure/cpu (busy: a build was running).</summary>
    public const string PressureCpu =
        "some avg10=20.74 avg60=43.80 avg300=31.54 total=244649764\n" +
        "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";

    /// <summary>/proc/pressure/io.</summary>
    public const string PressureIo =
        "some avg10=0.00 avg60=0.00 avg300=0.02 total=19619369\n" +
        "full avg10=0.00 avg60=0.00 avg300=0.02 total=19258408\n";

    /// <summary>/proc/self/cgroup: v1 controllers (memory among them) plus the v2 line.</summary>
    public const string CgroupHybrid =
        "9:name=systemd:/\n" +
        "8:pids:/\n" +
        "7:blkio:/\n" +
        "6:freezer:/\n" +
        "5:devices:/\n" +
        "4:memory:/process_api/384bd3c45bcfb64871cffdfabbc58088\n" +
        "3:cpuset:/\n" +
        "2:cpuacct:/\n" +
        "1:cpu:/\n" +
        "0::/\n";

    /// <summary>memory.stat of an unlimited v1 memory cgroup.</summary>
    public const string V1MemoryStat =
        "cache 19554304\n" +
        "rss 2310144\n" +
        "rss_huge 0\n" +
        "shmem 0\n" +
        "mapped_file 2686976\n" +
        "dirty 184320\n" +
        "writeback 0\n" +
        "workingset_refault_anon 0\n" +
        "workingset_refault_file 2004\n" +
        "swap 0\n" +
        "swapcached 0\n" +
        "pgpgin 541504\n" +
        "pgpgout 537227\n" +
        "pgfault 781570\n" +
        "pgmajfault 113\n" +
        "inactive_anon 2187264\n" +
        "active_anon 8192\n" +
        "inactive_file 4878336\n" +
        "active_file 14675968\n" +
        "unevictable 0\n" +
        "hierarchical_memory_limit 9223372036854771712\n" +
        "hierarchical_memsw_limit 9223372036854771712\n" +
        "total_cache 19554304\n" +
        "total_rss 2310144\n" +
        "total_rss_huge 0\n" +
        "total_shmem 0\n" +
        "total_mapped_file 2686976\n" +
        "total_dirty 184320\n" +
        "total_writeback 0\n" +
        "total_workingset_refault_anon 0\n" +
        "total_workingset_refault_file 2004\n" +
        "total_swap 0\n" +
        "total_swapcached 0\n" +
        "total_pgpgin 541504\n" +
        "total_pgpgout 537227\n" +
        "total_pgfault 781570\n" +
        "total_pgmajfault 113\n" +
        "total_inactive_anon 2187264\n" +
        "total_active_anon 8192\n" +
        "total_inactive_file 4878336\n" +
        "total_active_file 14675968\n" +
        "total_unevictable 0\n";

    /// <summary>memory.stat of a fresh v1 memory cgroup with memory.limit_in_bytes 256 MiB and memsw 384 MiB.</summary>
    public const string V1LimitedMemoryStat =
        "cache 0\n" +
        "rss 0\n" +
        "rss_huge 0\n" +
        "shmem 0\n" +
        "mapped_file 0\n" +
        "dirty 0\n" +
        "writeback 0\n" +
        "workingset_refault_anon 0\n" +
        "workingset_refault_file 0\n" +
        "swap 0\n" +
        "swapcached 0\n" +
        "pgpgin 0\n" +
        "pgpgout 0\n" +
        "pgfault 0\n" +
        "pgmajfault 0\n" +
        "inactive_anon 0\n" +
        "active_anon 0\n" +
        "inactive_file 0\n" +
        "active_file 0\n" +
        "unevictable 0\n" +
        "hierarchical_memory_limit 268435456\n" +
        "hierarchical_memsw_limit 402653184\n" +
        "total_cache 0\n" +
        "total_rss 0\n" +
        "total_rss_huge 0\n" +
        "total_shmem 0\n" +
        "total_mapped_file 0\n" +
        "total_dirty 0\n" +
        "total_writeback 0\n" +
        "total_workingset_refault_anon 0\n" +
        "total_workingset_refault_file 0\n" +
        "total_swap 0\n" +
        "total_swapcached 0\n" +
        "total_pgpgin 0\n" +
        "total_pgpgout 0\n" +
        "total_pgfault 0\n" +
        "total_pgmajfault 0\n" +
        "total_inactive_anon 0\n" +
        "total_active_anon 0\n" +
        "total_inactive_file 0\n" +
        "total_active_file 0\n" +
        "total_unevictable 0\n";

    /// <summary>/proc/PID/stat of `sleep` started through a symlink named "(a) b (".</summary>
    public const string StatHostileParens =
        "12132 ((a) b () S 12131 12123 5714 0 -1 4194304 134 0 0 0 0 0 0 0 20 0 1 0 148343 2990080 403 18446744073709551615 94363472666624 94363472684553 140728318849424 0 0 0 0 6 0 1 0 0 17 1 0 0 0 0 0 94363472698640 94363472699904 94363820888064 140728318851564 140728318851577 140728318851577 140728318853102 0\n";

    /// <summary>/proc/PID/stat of `sleep` started through a symlink named "a", newline, "b".</summary>
    public const string StatHostileNewline =
        "12133 (a\n" +
        "b) S 12131 12123 5714 0 -1 4194304 175 77 0 0 0 0 0 0 20 0 1 0 148343 2990080 442 18446744073709551615 94660255830016 94660255847945 140727333857968 0 0 0 0 6 0 1 0 0 17 1 0 0 0 0 0 94660255862032 94660255863296 94660263829504 140727333861880 140727333861889 140727333861889 140727333863410 0\n";

    /// <summary>/proc/PID/stat of `sleep` started through a symlink named "x) R 1 2 3": a name that imitates fields.</summary>
    public const string StatHostileFields =
        "12134 (x) R 1 2 3) S 12131 12123 5714 0 -1 4194304 134 0 0 0 0 0 0 0 20 0 1 0 148343 2990080 414 18446744073709551615 93941983678464 93941983696393 140729542676080 0 0 0 0 6 0 1 0 0 17 0 0 0 0 0 0 93941983710480 93941983711744 93942455787520 140729542683107 140729542683123 140729542683123 140729542684651 0\n";

    /// <summary>/proc/PID/stat of `sleep` started through a symlink named "back\slash".</summary>
    public const string StatHostileBackslash =
        "12136 (back\\slash) S 12131 12123 5714 0 -1 4194304 130 0 0 0 0 0 0 0 20 0 1 0 148343 2990080 389 18446744073709551615 94618995912704 94618995930633 140731972724720 0 0 0 0 6 0 1 0 0 17 1 0 0 0 0 0 94618995944720 94618995945984 94619536490496 140731972733411 140731972733427 140731972733427 140731972734955 0\n";
}
