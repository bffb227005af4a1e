// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Linux.Tests;

/// <summary>
/// cgroupfs trees in the files and formats the kernel creates (Documentation/admin-guide/cgroup-v2.rst,
/// cgroup-v1/memory.rst), written into a <see cref="TempTree"/>. This machine mounts the memory
/// controller on v1, so v2 is exercised only through these fixtures.
/// </summary>
internal static class CgroupTrees
{
    public const long MiB = 1024 * 1024;

    /// <summary>The machine the fixtures pretend to run on: 8 GiB of RAM (6 GiB available), 2 GiB of swap (1 GiB free).</summary>
    public const string MemInfo =
        "MemTotal:        8388608 kB\n" +
        "MemFree:         4194304 kB\n" +
        "MemAvailable:    6291456 kB\n" +
        "Buffers:           65536 kB\n" +
        "Cached:          2097152 kB\n" +
        "SwapCached:            0 kB\n" +
        "SwapTotal:       2097152 kB\n" +
        "SwapFree:        1048576 kB\n" +
        "AnonPages:       1048576 kB\n" +
        "Shmem:             65536 kB\n";

    public const long SystemTotalPages = (8388608 + 2097152) / 4;
    public const long TotalSwapPages = 2097152 / 4;

    /// <summary>A fake /proc with meminfo and vm.swappiness, for the readers that need the machine's figures.</summary>
    public static string WriteProc(TempTree tree, int swappiness = 60, string memInfo = MemInfo)
    {
        tree.Write("proc/meminfo", memInfo);
        tree.Write("proc/sys/vm/swappiness", $"{swappiness}\n");
        return tree.PathOf("proc");
    }

    public static string V2MemoryStat(long inactiveFileBytes) =>
        "anon 104857600\nfile 209715200\nkernel 4194304\nkernel_stack 65536\npagetables 409600\nsec_pagetables 0\n" +
        "percpu 0\nsock 0\nvmalloc 0\nshmem 0\nzswap 0\nzswapped 0\nfile_mapped 10485760\nfile_dirty 0\n" +
        "file_writeback 0\nswapcached 0\nanon_thp 0\nfile_thp 0\nshmem_thp 0\ninactive_anon 104857600\nactive_anon 0\n" +
        $"inactive_file {inactiveFileBytes}\nactive_file {209715200 - inactiveFileBytes}\nunevictable 0\nslab_reclaimable 1048576\n" +
        "slab_unreclaimable 524288\nslab 1572864\nworkingset_refault_anon 0\nworkingset_refault_file 0\npgfault 12345\npgmajfault 0\n";

    /// <summary>
    /// cg2/ (the hierarchy's root: no memory.max, no memory.current, no cgroup.type)
    ///   app.slice/        memory.max 512 MiB, memory.swap.max max
    ///     web.service/    memory.max max, memory.swap.max 64 MiB, 300 MiB used, 50 MiB inactive file, 1 MiB swapped
    ///     db.service/     memory.max 256 MiB (tighter than its parent), memory.swap.max 0
    ///   free.slice/       no limit
    ///     x.service/
    ///   nomem.slice/      memory controller not enabled
    /// </summary>
    public static string WriteV2(TempTree tree)
    {
        tree.Write("cg2/cgroup.procs", "1\n");
        tree.Write("cg2/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
        tree.Write("cg2/cgroup.subtree_control", "cpu io memory pids\n");
        tree.Write("cg2/cgroup.max.depth", "max\n");
        tree.Write("cg2/cgroup.stat", "nr_descendants 6\nnr_dying_descendants 0\n");
        tree.Write("cg2/memory.stat", V2MemoryStat(1 * 1024 * MiB));
        tree.Write("cg2/memory.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");

        V2Group(tree, "cg2/app.slice", max: "536870912", swapMax: "max", current: 420 * MiB, inactiveFile: 60 * MiB, swapCurrent: 1 * MiB, procs: "");
        V2Group(tree, "cg2/app.slice/web.service", max: "max", swapMax: "67108864", current: 300 * MiB, inactiveFile: 50 * MiB, swapCurrent: 1 * MiB, procs: "300\n250\n");
        V2Group(tree, "cg2/app.slice/db.service", max: "268435456", swapMax: "0", current: 120 * MiB, inactiveFile: 10 * MiB, swapCurrent: 0, procs: "401\n");
        V2Group(tree, "cg2/free.slice", max: "max", swapMax: "max", current: 10 * MiB, inactiveFile: 0, swapCurrent: 0, procs: "");
        V2Group(tree, "cg2/free.slice/x.service", max: "max", swapMax: "max", current: 10 * MiB, inactiveFile: 0, swapCurrent: 0, procs: "2\n");

        tree.Write("cg2/nomem.slice/cgroup.procs", "");
        tree.Write("cg2/nomem.slice/cgroup.controllers", "cpu pids\n");
        tree.Write("cg2/nomem.slice/cgroup.type", "domain\n");
        tree.Write("cg2/nomem.slice/cpu.max", "max 100000\n");
        return tree.PathOf("cg2");
    }

    public static void V2Group(TempTree tree, string dir, string max, string swapMax, long current, long inactiveFile, long swapCurrent, string procs)
    {
        tree.Write($"{dir}/cgroup.procs", procs);
        tree.Write($"{dir}/cgroup.controllers", "cpu io memory pids\n");
        tree.Write($"{dir}/cgroup.type", "domain\n");
        tree.Write($"{dir}/memory.max", max + "\n");
        tree.Write($"{dir}/memory.high", "max\n");
        tree.Write($"{dir}/memory.current", $"{current}\n");
        tree.Write($"{dir}/memory.stat", V2MemoryStat(inactiveFile));
        tree.Write($"{dir}/memory.swap.max", swapMax + "\n");
        tree.Write($"{dir}/memory.swap.current", $"{swapCurrent}\n");
        tree.Write($"{dir}/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
        tree.Write($"{dir}/memory.oom.group", "0\n");
    }

    public static string V1MemoryStat(long hierarchicalLimit, long? hierarchicalMemswLimit, long totalInactiveFile)
    {
        string stat = KernelSamples.V1LimitedMemoryStat
            .Replace("hierarchical_memory_limit 268435456\n", $"hierarchical_memory_limit {hierarchicalLimit}\n", StringComparison.Ordinal)
            .Replace("total_inactive_file 0\n", $"total_inactive_file {totalInactiveFile}\n", StringComparison.Ordinal);
        return hierarchicalMemswLimit is long memsw
            ? stat.Replace("hierarchical_memsw_limit 402653184\n", $"hierarchical_memsw_limit {memsw}\n", StringComparison.Ordinal)
            : stat.Replace("hierarchical_memsw_limit 402653184\n", "", StringComparison.Ordinal);
    }

    public const long Unlimited = 9223372036854771712;

    /// <summary>
    /// cg1/ (a v1 memory hierarchy's root: unlimited)
    ///   parent/      limit 1 GiB, memsw 1.5 GiB, swappiness 30
    ///     child/     no limit of its own; 600 MiB used, 700 MiB with swap, 100 MiB inactive file
    ///     noswap/    like child, but swap accounting is off (no memory.memsw.* files)
    ///   tight/       limit = memsw = 256 MiB
    /// cpu/           a v1 hierarchy without the memory controller
    /// </summary>
    public static string WriteV1(TempTree tree)
    {
        V1Group(tree, "cg1", limit: Unlimited, memsw: Unlimited, usage: 2048 * MiB, memswUsage: 2048 * MiB, swappiness: 60,
            stat: V1MemoryStat(Unlimited, Unlimited, 512 * MiB));
        tree.Write("cg1/cgroup.sane_behavior", "0\n");
        V1Group(tree, "cg1/parent", limit: 1024 * MiB, memsw: 1536 * MiB, usage: 600 * MiB, memswUsage: 700 * MiB, swappiness: 30,
            stat: V1MemoryStat(1024 * MiB, 1536 * MiB, 100 * MiB));
        V1Group(tree, "cg1/parent/child", limit: Unlimited, memsw: Unlimited, usage: 600 * MiB, memswUsage: 700 * MiB, swappiness: 60,
            stat: V1MemoryStat(1024 * MiB, 1536 * MiB, 100 * MiB));
        V1Group(tree, "cg1/parent/noswap", limit: Unlimited, memsw: null, usage: 600 * MiB, memswUsage: null, swappiness: 60,
            stat: V1MemoryStat(1024 * MiB, null, 100 * MiB));
        V1Group(tree, "cg1/tight", limit: 256 * MiB, memsw: 256 * MiB, usage: 10 * MiB, memswUsage: 10 * MiB, swappiness: 60,
            stat: V1MemoryStat(256 * MiB, 256 * MiB, 0));

        tree.Write("cpu/cgroup.procs", "1\n");
        tree.Write("cpu/cpu.shares", "1024\n");
        tree.Write("cpu/tasks", "1\n");
        return tree.PathOf("cg1");
    }

    public static void V1Group(TempTree tree, string dir, long limit, long? memsw, long usage, long? memswUsage, int swappiness, string stat)
    {
        tree.Write($"{dir}/cgroup.procs", "");
        tree.Write($"{dir}/tasks", "");
        tree.Write($"{dir}/memory.limit_in_bytes", $"{limit}\n");
        tree.Write($"{dir}/memory.usage_in_bytes", $"{usage}\n");
        tree.Write($"{dir}/memory.max_usage_in_bytes", $"{usage}\n");
        tree.Write($"{dir}/memory.stat", stat);
        tree.Write($"{dir}/memory.swappiness", $"{swappiness}\n");
        tree.Write($"{dir}/memory.use_hierarchy", "1\n");
        tree.Write($"{dir}/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
        if (memsw is long m)
        {
            tree.Write($"{dir}/memory.memsw.limit_in_bytes", $"{m}\n");
            tree.Write($"{dir}/memory.memsw.usage_in_bytes", $"{memswUsage}\n");
        }
    }
}
