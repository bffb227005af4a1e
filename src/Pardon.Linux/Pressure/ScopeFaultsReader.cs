// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Core.Stall;
using Pardon.Linux.Cgroups;
using Pardon.Linux.Io;

namespace Pardon.Linux.Pressure;

/// <summary>
/// A scope's fault counters for <see cref="ScopeFaults"/>: the system's from /proc/vmstat, a cgroup's from its
/// memory.stat — v2's counters are hierarchical already; v1 prints the hierarchical ones with a "total_"
/// prefix (mm/memcontrol-v1.c memcg1_stat_format()). Kept open; a reading allocates nothing.
/// </summary>
public sealed class ScopeFaultsReader : IDisposable
{
    private readonly SafeFdHandle _fd;
    private readonly byte[] _buffer;
    private readonly byte[] _majorKey;
    private readonly byte[] _anonKey;
    private readonly byte[] _fileKey;

    private ScopeFaultsReader(SafeFdHandle fd, bool v1, int bufferSize)
    {
        _fd = fd;
        _buffer = new byte[bufferSize];
        string prefix = v1 ? "total_" : "";
        _majorKey = System.Text.Encoding.ASCII.GetBytes(prefix + "pgmajfault");
        _anonKey = System.Text.Encoding.ASCII.GetBytes(prefix + "workingset_refault_anon");
        _fileKey = System.Text.Encoding.ASCII.GetBytes(prefix + "workingset_refault_file");
    }

    /// <summary>Opens the counters of a scope (<paramref name="cgroup"/> null: the system); null when unreadable.</summary>
    public static ScopeFaultsReader? TryOpen(CgroupDirectory? cgroup, string procRoot = "/proc")
    {
        string path = cgroup is null ? Path.Combine(procRoot, "vmstat") : cgroup.FilePath("memory.stat");
        int fd = FdIo.Open(path, Interop.Libc.O_RDONLY);
        return fd < 0 ? null : new ScopeFaultsReader(new SafeFdHandle(fd), cgroup?.Version == CgroupVersion.V1, cgroup is null ? 16 * 1024 : 8 * 1024);
    }

    /// <summary>Reads the counters now, stamped <paramref name="nowMs"/>; those the kernel does not print are -1.</summary>
    public bool TryRead(long nowMs, out ScopeFaults faults)
    {
        int n = FdIo.PReadAll(_fd, _buffer);
        if (n <= 0)
        {
            faults = default;
            return false;
        }

        ReadOnlySpan<byte> text = _buffer.AsSpan(0, n);
        faults = new ScopeFaults(nowMs, Get(text, _majorKey), Get(text, _anonKey), Get(text, _fileKey));
        return faults.MajorFaults >= 0;
    }

    private static long Get(ReadOnlySpan<byte> text, ReadOnlySpan<byte> key) => KeyedFile.TryGet(text, key, out long v) ? v : -1;

    public void Dispose() => _fd.Dispose();
}
