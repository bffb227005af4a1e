// This file is part of Pardon, a userspace OOM killer for Linux.

using Pardon.Core;
using Pardon.Linux.Io;
using Pardon.Linux.Procfs;

namespace Pardon.Linux;

/// <summary>The whole machine's memory from /proc/meminfo, read through one descriptor opened once.</summary>
public sealed class SystemMemoryReader : IMemoryReader
{
    private readonly SafeFdHandle _meminfo;
    private readonly byte[] _buffer = new byte[8192];

    public SystemMemoryReader(string procRoot = "/proc")
    {
        _meminfo = FdIo.OpenOrThrow(Path.Combine(procRoot, "meminfo"), Interop.Libc.O_RDONLY);
    }

    public bool TryRead(long nowMs, out MemorySample sample)
    {
        if (!TryReadMemInfo(out ParsedMemInfo m))
        {
            sample = default;
            return false;
        }

        sample = new MemorySample(m.MemTotal, m.MemAvailable, m.SwapTotal, m.SwapFree, nowMs);
        return true;
    }

    internal bool TryReadMemInfo(out ParsedMemInfo info)
    {
        int n = FdIo.PReadRecord(_meminfo, _buffer);
        if (n <= 0)
        {
            info = default;
            return false;
        }

        return ProcFs.TryParseMemInfo(_buffer.AsSpan(0, n), out info);
    }

    public void Dispose() => _meminfo.Dispose();
}
