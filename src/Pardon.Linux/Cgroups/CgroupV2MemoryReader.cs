// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Procfs;

namespace Pardon.Linux.Cgroups;

/// <summary>
/// A v2 memory cgroup's state: memory.current, memory.swap.current, inactive_file from memory.stat
/// (hierarchical on v2), and the tightest memory.max / memory.swap.max along the ancestry, since a
/// parent's limit bites its children too. The limit files stay open and are re-read each time, so a
/// limit changed at run time is seen at once.
/// </summary>
public sealed class CgroupV2MemoryReader : IMemoryReader
{
    private readonly CgroupFile _current;
    private readonly CgroupFile _stat;
    private readonly CgroupFile? _swapCurrent;
    private readonly CgroupFile[] _max;
    private readonly CgroupFile[] _swapMax;
    private readonly SystemMemoryReader _system;
    private readonly byte[] _buffer = new byte[8192];

    public CgroupV2MemoryReader(CgroupDirectory cgroup, SystemMemoryReader system)
    {
        _current = CgroupFile.Open(cgroup.FilePath("memory.current"));
        _stat = CgroupFile.Open(cgroup.FilePath("memory.stat"));
        _swapCurrent = CgroupFile.TryOpen(cgroup.FilePath("memory.swap.current"));
        _max = Open(cgroup.Ancestry, "memory.max");
        _swapMax = Open(cgroup.Ancestry, "memory.swap.max");
        _system = system;
    }

    private static CgroupFile[] Open(IReadOnlyList<string> dirs, string name)
    {
        var files = new List<CgroupFile>();
        foreach (string dir in dirs)
        {
            if (CgroupFile.TryOpen(Path.Combine(dir, name)) is { } f)
            {
                files.Add(f);
            }
        }

        return files.ToArray();
    }

    public bool TryRead(long nowMs, out MemorySample sample)
    {
        sample = default;
        if (!_current.TryReadValue(_buffer, out long usage))
        {
            return false;
        }

        long limit = long.MaxValue;
        foreach (CgroupFile f in _max)
        {
            if (f.TryReadValue(_buffer, out long v))
            {
                limit = Math.Min(limit, v);
            }
        }

        long? swapLimit = null;
        foreach (CgroupFile f in _swapMax)
        {
            if (f.TryReadValue(_buffer, out long v) && v != long.MaxValue)
            {
                swapLimit = Math.Min(swapLimit ?? long.MaxValue, v);
            }
        }

        long swapUsage = 0;
        _swapCurrent?.TryReadValue(_buffer, out swapUsage);
        ReadOnlySpan<byte> stat = _stat.Read(_buffer);
        if (stat.IsEmpty)
        {
            return false;
        }

        KeyedFile.TryGet(stat, "inactive_file"u8, out long inactiveFile);
        if (!_system.TryReadMemInfo(out ParsedMemInfo m))
        {
            return false;
        }

        sample = CgroupMemoryMath.Compute(
            limit, usage, inactiveFile, swapLimit, swapUsage,
            m.MemTotal, m.MemAvailable, m.SwapTotal, m.SwapFree, nowMs);
        return true;
    }

    public void Dispose()
    {
        _current.Dispose();
        _stat.Dispose();
        _swapCurrent?.Dispose();
        foreach (CgroupFile f in _max)
        {
            f.Dispose();
        }

        foreach (CgroupFile f in _swapMax)
        {
            f.Dispose();
        }
    }
}
