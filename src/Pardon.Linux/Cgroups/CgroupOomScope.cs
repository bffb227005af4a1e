// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Io;

namespace Pardon.Linux.Cgroups;

/// <summary>
/// The OOM scope of a memory cgroup: which memcg's OOM strikes first for memory charged in it — the cgroup
/// itself or the ancestor with the least headroom (<see cref="CgroupMemoryMath.SelectOomingLevel"/>) — and the
/// oc->totalpages the kernel's memcg OOM uses there (mem_cgroup_get_max() of that memcg, not of the scope).
/// The kernel's OOM then scans that memcg's whole subtree, siblings of the scope included
/// (mem_cgroup_out_of_memory() → select_bad_process() → mem_cgroup_scan_tasks()).
/// </summary>
public static class CgroupOomScope
{
    public static OomScope Compute(CgroupDirectory cgroup, long systemTotalPages, long totalSwapPages, long pageSize, string procRoot = "/proc")
    {
        CgroupLevel[] levels = ReadLevels(cgroup, pageSize);
        int ooming = CgroupMemoryMath.SelectOomingLevel(levels);
        if (ooming < 0)
        {
            // No limit anywhere above: only the global OOM killer can act on these processes.
            return new OomScope(ScopeKind.Cgroup, cgroup.Path, systemTotalPages, systemTotalPages, pageSize, cgroup.Version, Limited: false)
            {
                Levels = levels,
                ScopeCgroup = cgroup.RelativePath,
            };
        }

        string oomingCgroup = levels[ooming].Path;
        long limitBytes = levels[ooming].LimitBytes;
        long limitPages = limitBytes == long.MaxValue ? TotalPages.PageCounterMax(pageSize) : limitBytes / pageSize;
        long totalPages;
        if (cgroup.Version == CgroupVersion.V1)
        {
            long? memswPages = TryReadValue(Path.Combine(oomingCgroup, "memory.memsw.limit_in_bytes"), out long memsw)
                ? (CgroupMemoryMath.IsUnlimited(memsw, pageSize) ? TotalPages.PageCounterMax(pageSize) : memsw / pageSize)
                : null;
            int swappiness = TryReadValue(Path.Combine(oomingCgroup, "memory.swappiness"), out long s) ? (int)s : 60;
            totalPages = TotalPages.ForCgroupV1(limitPages, memswPages, swappiness, totalSwapPages);
        }
        else
        {
            long swapMaxPages = TryReadValue(Path.Combine(oomingCgroup, "memory.swap.max"), out long swapMax) && swapMax != long.MaxValue
                ? swapMax / pageSize
                : TotalPages.PageCounterMax(pageSize);

            // cgroup v2 has no per-cgroup swappiness: mem_cgroup_swappiness() returns vm_swappiness.
            int swappiness = TryReadValue(Path.Combine(procRoot, "sys/vm/swappiness"), out long s) ? (int)s : 60;
            totalPages = TotalPages.ForCgroupV2(limitPages, swapMaxPages, swappiness, totalSwapPages);
        }

        return new OomScope(ScopeKind.Cgroup, cgroup.Path, totalPages, systemTotalPages, pageSize, cgroup.Version)
        {
            OomingCgroup = oomingCgroup,
            LimitBytes = limitBytes,
            Levels = levels,
            OomingLevel = ooming,
            ScopeCgroup = cgroup.RelativePath,
        };
    }

    /// <summary>
    /// For the daemon: a warning when an ancestor of the scope has less headroom than the scope itself, so the
    /// kernel's OOM strikes there first — on pressure that may come from outside the scope — and may kill a
    /// process outside it. Null when the scope's own limit bites first (or nothing can be read).
    /// </summary>
    public static string? AncestorWarning(CgroupDirectory cgroup, long pageSize)
        => CgroupMemoryMath.AncestorWarning(ReadLevels(cgroup, pageSize));

    /// <summary>
    /// The scope and each ancestor whose counter it is charged to, nearest first, with their counters. On v1 a
    /// memcg is charged to its parent only when the parent has memory.use_hierarchy 1 (always so since Linux
    /// 5.11; mem_cgroup_css_alloc() gives the page counter no parent otherwise), so the walk stops there.
    /// </summary>
    public static CgroupLevel[] ReadLevels(CgroupDirectory cgroup, long pageSize)
    {
        var levels = new List<CgroupLevel>();
        byte[] buffer = new byte[16 * 1024];
        bool v1 = cgroup.Version == CgroupVersion.V1;
        for (int i = 0; i < cgroup.Ancestry.Count; i++)
        {
            string dir = cgroup.Ancestry[i];
            if (i > 0 && v1 && TryReadValue(Path.Combine(dir, "memory.use_hierarchy"), out long hierarchy) && hierarchy == 0)
            {
                break;
            }

            long limit = ReadLimit(Path.Combine(dir, v1 ? "memory.limit_in_bytes" : "memory.max"), pageSize);
            if (!TryReadValue(Path.Combine(dir, v1 ? "memory.usage_in_bytes" : "memory.current"), out long usage))
            {
                usage = 0; // the v2 root has no memory.current; it has no limit either
            }

            long reclaimable = 0;
            int n = ReadAll(Path.Combine(dir, "memory.stat"), buffer);
            if (n > 0)
            {
                KeyedFile.TryGet(buffer.AsSpan(0, n), v1 ? "total_inactive_file"u8 : "inactive_file"u8, out reclaimable);
            }

            long memswLimit = long.MaxValue, memswUsage = 0;
            if (v1 && TryReadValue(Path.Combine(dir, "memory.memsw.usage_in_bytes"), out long mu))
            {
                memswLimit = ReadLimit(Path.Combine(dir, "memory.memsw.limit_in_bytes"), pageSize);
                memswUsage = mu;
            }

            levels.Add(new CgroupLevel(dir, limit, usage, reclaimable, memswLimit, memswUsage));
        }

        return [.. levels];
    }

    private static long ReadLimit(string path, long pageSize)
        => TryReadValue(path, out long v) && !CgroupMemoryMath.IsUnlimited(v, pageSize) ? v : long.MaxValue;

    private static int ReadAll(string path, byte[] buffer)
    {
        int fd = FdIo.Open(path, Interop.Libc.O_RDONLY);
        if (fd < 0)
        {
            return 0;
        }

        try
        {
            return Math.Max(0, FdIo.PReadAll(fd, buffer));
        }
        finally
        {
            Interop.Libc.Close(fd);
        }
    }

    internal static bool TryReadValue(string path, out long value)
    {
        value = 0;
        Span<byte> buffer = stackalloc byte[64];
        int fd = FdIo.Open(path, Interop.Libc.O_RDONLY);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            int n = FdIo.PReadAll(fd, buffer);
            return n > 0 && Utf8Number.TryParseLimit(buffer[..n], out value);
        }
        finally
        {
            Interop.Libc.Close(fd);
        }
    }
}
