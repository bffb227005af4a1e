// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Cgroups;

/// <summary>
/// A v1 memory cgroup's state: memory.usage_in_bytes, memory.memsw.usage_in_bytes, and from memory.stat
/// the hierarchical limits (the tightest limit along the ancestry, which is the one that bites) and
/// total_inactive_file (the subtree's reclaimable cache).
/// </summary>
public sealed class CgroupV1MemoryReader : IMemoryReader
{
    private readonly CgroupFile _usage;
    private readonly CgroupFile _stat;
    private readonly CgroupFile? _memswUsage;
    private readonly SystemMemoryReader _system;
    private readonly byte[] _buffer = new byte[8192];
    private readonly long _pageSize;

    public CgroupV1MemoryReader(CgroupDirectory cgroup, SystemMemoryReader system, long pageSize)
    {
        _usage = CgroupFile.Open(cgroup.FilePath("memory.usage_in_bytes"));
        _stat = CgroupFile.Open(cgroup.FilePath("memory.stat"));
        _memswUsage = CgroupFile.TryOpen(cgroup.FilePath("memory.memsw.usage_in_bytes"));
        _system = system;
        _pageSize = pageSize;
    }

    public bool TryRead(long nowMs, out MemorySample sample)
    {
        sample = default;
        if (!_usage.TryReadValue(_buffer, out long usage))
        {
            return false;
        }

        long memswUsage = 0;
        bool hasMemsw = _memswUsage is not null && _memswUsage.TryReadValue(_buffer, out memswUsage);
        ReadOnlySpan<byte> stat = _stat.Read(_buffer);
        if (stat.IsEmpty || !KeyedFile.TryGet(stat, "hierarchical_memory_limit"u8, out long limit))
        {
            return false;
        }

        KeyedFile.TryGet(stat, "total_inactive_file"u8, out long inactiveFile);
        long? swapLimit = null;
        if (hasMemsw && KeyedFile.TryGet(stat, "hierarchical_memsw_limit"u8, out long memswLimit) &&
            !CgroupMemoryMath.IsUnlimited(memswLimit, _pageSize))
        {
            swapLimit = Math.Max(0, memswLimit - limit);
        }

        if (CgroupMemoryMath.IsUnlimited(limit, _pageSize))
        {
            limit = long.MaxValue;
        }

        if (!_system.TryReadMemInfo(out ParsedMemInfo m))
        {
            return false;
        }

        sample = CgroupMemoryMath.Compute(
            limit, usage, inactiveFile, swapLimit, Math.Max(0, memswUsage - usage),
            m.MemTotal, m.MemAvailable, m.SwapTotal, m.SwapFree, nowMs);
        return true;
    }

    public void Dispose()
    {
        _usage.Dispose();
        _stat.Dispose();
        _memswUsage?.Dispose();
    }
}
