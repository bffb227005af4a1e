// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Io;

namespace Pardon.Linux.Cgroups;

/// <summary>
/// The OOM scope of a memory cgroup: which memcg's limit bites first (the tightest along the ancestry)
/// and the oc->totalpages the kernel's memcg OOM uses for it (mem_cgroup_get_max()).
/// </summary>
public static class CgroupOomScope
{
    public static OomScope Compute(CgroupDirectory cgroup, long systemTotalPages, long totalSwapPages, long pageSize, string procRoot = "/proc")
    {
        string limitFile = cgroup.Version == CgroupVersion.V1 ? "memory.limit_in_bytes" : "memory.max";
        string? oomingCgroup = null;
        long limitBytes = long.MaxValue;
        foreach (string dir in cgroup.Ancestry)
        {
            if (TryReadValue(Path.Combine(dir, limitFile), out long v) && !CgroupMemoryMath.IsUnlimited(v, pageSize) && v < limitBytes)
            {
                limitBytes = v;
                oomingCgroup = dir;
            }
        }

        if (oomingCgroup is null)
        {
            // No limit anywhere above: only the global OOM killer can act on these processes.
            return new OomScope(ScopeKind.Cgroup, cgroup.Path, systemTotalPages, systemTotalPages, pageSize, cgroup.Version, Limited: false);
        }

        long limitPages = limitBytes / pageSize;
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
        };
    }

    private static bool TryReadValue(string path, out long value)
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
